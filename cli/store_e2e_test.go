package main

// The read commands against the deployed store: a demo collection is copied
// from SQLite into a DynamoDB table on dynalite (a DynamoDB-protocol server
// from the repository's node_modules, as in the store's own tests), and
// query, export, runs and summary must answer from the table exactly as
// from the file.

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb/dynalite"
	"github.com/cloudinv/aws-inventory/shared/store/sqlite"
)

func TestReadCommandsOnDynamoDB(t *testing.T) {
	srv := startDynalite(t)
	endpoint := srv.Endpoint
	dir := collected(t)
	const table = "inventory-e2e"
	copyToDynamoDB(t, filepath.Join(dir, "inventory.db"), srv, table)

	env := []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_CONFIG_FILE=" + nullFile, "AWS_SHARED_CREDENTIALS_FILE=" + nullFile,
	}
	same := func(t *testing.T, env []string, storeArgs []string, args ...string) {
		t.Helper()
		want := mustInv(t, dir, 0, args...)
		got := invEnv(t, dir, env, append(storeArgs, args...)...)
		if got.code != 0 {
			t.Fatalf("%v %v: exit %d\n%s", storeArgs, args, got.code, got.stderr)
		}
		if got.stdout != want.stdout {
			t.Errorf("%v %v differs from the SQLite answer\n--- dynamodb\n%.2000s\n--- sqlite\n%.2000s", storeArgs, args, got.stdout, want.stdout)
		}
	}
	flag := []string{"--store", "dynamodb://" + table}
	for _, args := range [][]string{
		{"query", "--format", "json"},
		{"query", "--format", "csv", "--resource-type", "ec2", "--region", "us-east-1"},
		{"query", "--format", "json", "--department", "Engineering"},
		{"query", "--format", "json", "--tag", "Department=Engineering"},
		{"export", "--output", "-"},
		{"runs", "--format", "json"},
		{"summary", "--format", "json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) { same(t, env, flag, args...) })
	}
	t.Run("INVENTORY_STORE", func(t *testing.T) {
		same(t, append(env, storeEnv+"=dynamodb://"+table), nil, "query", "--format", "json", "--resource-type", "s3")
	})
	t.Run("DYNAMODB_TABLE_NAME", func(t *testing.T) {
		same(t, append(env, tableEnv+"="+table), nil, "query", "--format", "json", "--resource-type", "lambda")
	})
	t.Run("--db wins over DYNAMODB_TABLE_NAME", func(t *testing.T) {
		same(t, append(env, tableEnv+"=no-such-table"), []string{"--db", "inventory.db"}, "runs", "--format", "json")
	})

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			env  []string
			args []string
			want []string
		}{
			{"missing table", env, []string{"--store", "dynamodb://no-such-table", "query"}, []string{"--store dynamodb://no-such-table", "does not exist"}},
			{"no region", []string{"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint, "AWS_CONFIG_FILE=" + nullFile}, []string{"--store", "dynamodb://" + table, "runs"},
				[]string{"dynamodb://" + table, "AWS_REGION"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := invEnv(t, dir, tc.env, tc.args...)
				if r.code != 1 {
					t.Errorf("exit %d, want 1\n%s", r.code, r.stderr)
				}
				for _, w := range tc.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
					}
				}
			})
		}
	})
}

// copyToDynamoDB copies every record and run of a SQLite inventory into a
// new table.
func copyToDynamoDB(t *testing.T, path string, srv *dynalite.Server, table string) {
	t.Helper()
	ctx := context.Background()
	src, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	client := srv.Client()
	if err := dynamodb.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	dst := dynamodb.New(client, table, dynamodb.Options{})
	recs, err := src.Query(ctx, store.Filter{IncludeDeleted: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Fatal("the demo collection has no records")
	}
	if err := dst.PutRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	runs, err := src.ListRuns(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if err := dst.PutRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

// startDynalite starts dynalite (shared/store/dynamodb/dynalite) for the test.
func startDynalite(t *testing.T) *dynalite.Server {
	t.Helper()
	srv, err := dynalite.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}
