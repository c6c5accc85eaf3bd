package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseStore(t *testing.T) {
	tests := []struct {
		in          string
		path, table string
		err         []string // substrings of the error; nil: no error
	}{
		{in: "inventory.db", path: "inventory.db"},
		{in: "/var/lib/inventory/inv.db", path: "/var/lib/inventory/inv.db"},
		{in: "sqlite://inventory.db", path: "inventory.db"},
		{in: "sqlite:///abs/inv.db", path: "/abs/inv.db"},
		{in: "SQLite://x.db", path: "x.db"},
		{in: "dynamodb://inventory-prod", table: "inventory-prod"},
		{in: "DynamoDB://Inventory_2.prod", table: "Inventory_2.prod"},
		{in: "", err: []string{"--store", "empty", "dynamodb://TABLE"}},
		{in: "dynamodb://", err: []string{"--store", `"dynamodb://"`, "dynamodb://TABLE", "table's name", "AWS_REGION"}},
		{in: "dynamodb://ab", err: []string{`"ab"`, "3 to 255"}},
		{in: "dynamodb://inventory/prod", err: []string{`"inventory/prod"`, "letters, digits"}},
		{in: "dynamodb://inventory?region=eu-west-1", err: []string{"letters, digits", "AWS_REGION"}},
		{in: "sqlite://", err: []string{"sqlite://PATH"}},
		{in: "redis://localhost", err: []string{`"redis"`, "sqlite://PATH", "dynamodb://TABLE"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			s, err := parseStore("--store", tc.in)
			if tc.err == nil {
				if err != nil || s.path != tc.path || s.table != tc.table {
					t.Errorf("parseStore(%q) = %+v, %v; want path %q table %q", tc.in, s, err, tc.path, tc.table)
				}
				return
			}
			if _, ok := err.(usageError); !ok {
				t.Fatalf("parseStore(%q) = %+v, %v; want a usage error", tc.in, s, err)
			}
			for _, w := range tc.err {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("parseStore(%q) error %q does not mention %q", tc.in, err, w)
				}
			}
		})
	}
}

func TestStoreFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"empty table", nil, []string{"--store", "dynamodb://", "query"}, []string{"--store", "dynamodb://TABLE"}},
		{"bad table", nil, []string{"--store", "dynamodb://a b", "summary"}, []string{"--store", `"a b"`}},
		{"unknown scheme", nil, []string{"--store", "postgres://db/inventory", "runs"}, []string{"postgres", "sqlite://PATH", "dynamodb://TABLE"}},
		{"store and db", nil, []string{"--store", "x.db", "--db", "y.db", "query"}, []string{"--db", "--store"}},
		{"env store", []string{storeEnv + "=dynamodb://"}, []string{"export", "--output", "-"}, []string{storeEnv, "dynamodb://TABLE"}},
		{"env table", []string{tableEnv + "=my table"}, []string{"query"}, []string{tableEnv, `"my table"`}},
		{"collect into dynamodb", nil, []string{"--store", "dynamodb://inventory", "collect", "--demo"},
			[]string{"--store", "dynamodb://inventory", "SQLite", "inventory run"}},
		{"replay into dynamodb", []string{tableEnv + "=inventory"}, []string{"replay", "--run", "run-x", "--demo"},
			[]string{tableEnv, "dynamodb://inventory", "SQLite", "--db"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			r := invEnv(t, dir, tc.env, tc.args...)
			assertUsageError(t, r, tc.want...)
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("a refused command created %s", ents[0].Name())
			}
		})
	}
}

// TestStoreFlagIsDBForSQLite: --store PATH and sqlite://PATH are --db.
func TestStoreFlagIsDBForSQLite(t *testing.T) {
	dir := t.TempDir()
	r := mustInv(t, dir, 3, "--store", "sqlite://other.db", "collect", demoDenied)
	if _, err := os.Stat(filepath.Join(dir, "other.db")); err != nil {
		t.Fatalf("collect --store sqlite://other.db: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "inventory.db")); err == nil {
		t.Errorf("collect --store sqlite://other.db also wrote inventory.db")
	}
	if !strings.Contains(r.stdout, `--db "other.db"`) {
		t.Errorf("the replay hint does not name the database:\n%s", r.stdout)
	}
	a := mustInv(t, dir, 0, "--store", "other.db", "query", "--format", "json")
	b := mustInv(t, dir, 0, "--db", "other.db", "query", "--format", "json")
	c := invEnv(t, dir, []string{storeEnv + "=sqlite://other.db"}, "query", "--format", "json")
	if a.stdout != b.stdout || c.stdout != b.stdout || len(a.stdout) < 10 {
		t.Errorf("--store other.db, --db other.db and %s=sqlite://other.db answer differently", storeEnv)
	}
}
