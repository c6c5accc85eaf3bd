package dynamodb

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cloudinv/aws-inventory/shared/store/dynamodb/dynalite"
)

// The package's tests run against dynalite, a DynamoDB-protocol server in
// Node (pinned in the repository's package.json), started once per test
// binary on loopback with an in-memory store. Every test gets a table of
// its own.

// server is dynalite; testClient reaches it.
var (
	server     *dynalite.Server
	testClient *ddb.Client
)

func TestMain(m *testing.M) {
	var err error
	if server, err = dynalite.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "shared/store/dynamodb tests: %v\n", err)
		os.Exit(1)
	}
	testClient = server.Client()
	code := m.Run()
	server.Close()
	os.Exit(code)
}

// newTestTable creates a table for one test and deletes it afterwards.
func newTestTable(t testing.TB) string {
	t.Helper()
	name := server.TableName(t)
	ctx := context.Background()
	if err := CreateTable(ctx, testClient, name); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	t.Cleanup(func() {
		if _, err := testClient.DeleteTable(ctx, &ddb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
			t.Errorf("delete table %s: %v", name, err)
		}
	})
	return name
}

// newTestStore returns a store on a new table.
func newTestStore(t testing.TB, opts Options) *Store {
	t.Helper()
	return New(strictAPI{Client: testClient, t: t}, newTestTable(t), opts)
}

// strictAPI adds a rule of DynamoDB that dynalite does not enforce: a key
// condition's values must not be empty strings ("begins_with(sk, \"\")" is
// rejected by DynamoDB, accepted by dynalite).
type strictAPI struct {
	*ddb.Client
	t testing.TB
}

func (a strictAPI) Query(ctx context.Context, in *ddb.QueryInput, opts ...func(*ddb.Options)) (*ddb.QueryOutput, error) {
	cond := aws.ToString(in.KeyConditionExpression)
	for name, v := range in.ExpressionAttributeValues {
		if s, ok := v.(*types.AttributeValueMemberS); ok && s.Value == "" && strings.Contains(cond, name) {
			a.t.Errorf("Query key condition %q uses %s = \"\": DynamoDB rejects empty key condition values", cond, name)
		}
	}
	return a.Client.Query(ctx, in, opts...)
}
