package dynamodb

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb/dynalite"
	"github.com/cloudinv/aws-inventory/shared/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return newTestStore(t, Options{})
	})
}

var t0 = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func record(acct, typ, id string, collected time.Time) inventory.Record {
	return inventory.Record{
		ResourceType: typ, ResourceID: id, AccountID: acct, AccountName: "prod",
		Department: "platform", Region: "us-east-1", CollectedAt: collected, RunID: "run-1",
		Attributes: map[string]any{"name": id, "tags": map[string]string{"Env": "prod"}},
	}
}

func getRaw(t *testing.T, s *Store, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := testClient.GetItem(context.Background(), &ddb.GetItemInput{TableName: aws.String(s.table), Key: key(pk, sk)})
	if err != nil {
		t.Fatalf("GetItem %s %s: %v", pk, sk, err)
	}
	return out.Item
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	cfg := server.Config()

	t.Run("existing table", func(t *testing.T) {
		table := newTestTable(t)
		s, err := Open(ctx, cfg, table, Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if s.Table() != table {
			t.Errorf("Table() = %q, want %q", s.Table(), table)
		}
	})
	t.Run("missing table names table and region", func(t *testing.T) {
		_, err := Open(ctx, cfg, "no-such-table", Options{})
		if err == nil || !strings.Contains(err.Error(), "no-such-table") || !strings.Contains(err.Error(), dynalite.Region) || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("Open of a missing table: %v; want an error naming the table and region", err)
		}
	})
	t.Run("no table name", func(t *testing.T) {
		if _, err := Open(ctx, cfg, "", Options{}); err == nil || !strings.Contains(err.Error(), "DYNAMODB_TABLE_NAME") {
			t.Errorf("Open without a table name: %v", err)
		}
	})
	t.Run("table of another schema", func(t *testing.T) {
		name := "other-" + server.TableName(t)
		_, err := testClient.CreateTable(ctx, &ddb.CreateTableInput{
			TableName:            aws.String(name),
			BillingMode:          types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		})
		if err != nil {
			t.Fatalf("CreateTable: %v", err)
		}
		if _, err := Open(ctx, cfg, name, Options{}); err == nil || !strings.Contains(err.Error(), "not an inventory table") {
			t.Errorf("Open of a foreign table: %v", err)
		}
	})
}

// MarkDeleted sets expires_at (TTL) from the retention, and a put of the
// resource seen again removes it, so TTL never deletes a live record.
func TestMarkDeletedSetsTTL(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, Options{Retention: 48 * time.Hour})
	r := record("111111111111", inventory.EC2Instance, "i-1", t0)
	if err := s.PutRecords(ctx, []inventory.Record{r}); err != nil {
		t.Fatal(err)
	}
	pk, sk := recordPK(r.AccountID, r.ResourceType), recordSK(r.Region, r.ResourceID)
	if _, ok := getRaw(t, s, pk, sk)[TTLAttribute]; ok {
		t.Fatalf("a live record has %s", TTLAttribute)
	}
	deletedAt := t0.Add(time.Hour)
	n, err := s.MarkDeleted(ctx, store.Scope{AccountID: r.AccountID, ResourceType: r.ResourceType, Regions: []string{r.Region}}, "run-2", deletedAt)
	if err != nil || n != 1 {
		t.Fatalf("MarkDeleted = %d, %v", n, err)
	}
	exp, ok := getRaw(t, s, pk, sk)[TTLAttribute].(*types.AttributeValueMemberN)
	if want := strconv.FormatInt(deletedAt.Add(48*time.Hour).Unix(), 10); !ok || exp.Value != want {
		t.Errorf("%s = %v, want N %s", TTLAttribute, exp, want)
	}

	r.CollectedAt = t0.Add(2 * time.Hour)
	if err := s.PutRecords(ctx, []inventory.Record{r}); err != nil {
		t.Fatal(err)
	}
	item := getRaw(t, s, pk, sk)
	if _, ok := item[TTLAttribute]; ok {
		t.Errorf("a record seen again keeps %s", TTLAttribute)
	}
	if _, ok := item[attrDeletedAt]; ok {
		t.Errorf("a record seen again keeps deleted_at")
	}
}

// Records of one type spread over the by_type and by_department shards,
// and queries through those indexes find them all.
func TestShardedIndexes(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, Options{})
	var recs []inventory.Record
	for i := range 200 {
		recs = append(recs, record(fmt.Sprintf("%012d", i%7), inventory.EBSVolume, fmt.Sprintf("vol-%d", i), t0))
	}
	if err := s.PutRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	for _, ix := range []Index{ByType, ByDepartment} {
		value := map[string]string{ByType.Name: inventory.EBSVolume, ByDepartment.Name: "platform"}[ix.Name]
		used := 0
		total := 0
		for n := range ix.Shards {
			out, err := testClient.Query(ctx, s.partitionQuery(ix.Name, ix.PartitionKey, shardKey(value, n)))
			if err != nil {
				t.Fatal(err)
			}
			if out.Count > 0 {
				used++
			}
			total += int(out.Count)
		}
		if used < ix.Shards-1 || total != len(recs) {
			t.Errorf("%s: %d records in %d of %d shards; want %d spread over (nearly) all", ix.Name, total, used, ix.Shards, len(recs))
		}
	}
	for _, f := range []store.Filter{
		{ResourceTypes: []string{inventory.EBSVolume}},
		{Departments: []string{"platform"}},
		{Accounts: []string{"000000000003"}},
	} {
		got, err := s.Query(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, r := range recs {
			if len(f.Accounts) == 0 || r.AccountID == f.Accounts[0] {
				want++
			}
		}
		if len(got) != want {
			t.Errorf("Query(%+v) = %d records, want %d", f, len(got), want)
		}
	}
}

func TestPlanPicksNarrowestRead(t *testing.T) {
	s := New(nil, "tbl", Options{})
	a, b := "111111111111", "222222222222"
	describe := func(p queryPlan) []string {
		if p.scan {
			return []string{"scan"}
		}
		var out []string
		for _, q := range p.queries {
			out = append(out, describeQuery(q))
		}
		return out
	}
	tests := []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"none", store.Filter{Regions: []string{"us-east-1"}, Tags: map[string]string{"a": "b"}}, []string{"scan"}},
		{"accounts and types: base partitions", store.Filter{Accounts: []string{b, a, a}, ResourceTypes: []string{"ec2_instance"}, Departments: []string{"x"}},
			[]string{"table partition R#" + a + "#ec2_instance", "table partition R#" + b + "#ec2_instance"}},
		{"accounts", store.Filter{Accounts: []string{a}, Departments: []string{"x"}}, []string{"index by_account partition " + a}},
		{"types", store.Filter{ResourceTypes: []string{"s3_bucket"}, Departments: []string{"x"}}, shardNames("by_type", "s3_bucket")},
		{"departments", store.Filter{Departments: []string{"x"}}, shardNames("by_department", "x")},
	}
	for _, tc := range tests {
		if got := describe(s.plan(tc.f)); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: plan %v, want %v", tc.name, got, tc.want)
		}
	}
}

func shardNames(index, value string) []string {
	var out []string
	for n := range 8 {
		out = append(out, fmt.Sprintf("index %s partition %s#%d", index, value, n))
	}
	return out
}

// PutItemOutcomes writes through BatchWriteItem (more than one chunk of 25)
// with the same result as PutItemOutcome one by one; a duplicate keeps
// the last outcome.
func TestPutItemOutcomes(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, Options{})
	var _ store.ItemOutcomeBatcher = s
	var outs []store.ItemOutcome
	for i := range 60 {
		outs = append(outs, store.ItemOutcome{
			AccountID: fmt.Sprintf("%012d", i), ResourceType: inventory.EC2Instance, Status: store.ItemPending,
			RoleName: "InventoryRole", RequestedRegions: []string{"us-east-1", "eu-west-1"}, StartedAt: t0,
		})
	}
	dup := outs[0]
	dup.Status = store.ItemFailed
	outs = append(outs, dup)
	if err := s.PutItemOutcomes(ctx, "run-1", outs); err != nil {
		t.Fatal(err)
	}
	got, err := s.ItemOutcomes(ctx, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 60 || got[0].Status != store.ItemFailed || got[1].Status != store.ItemPending || len(got[59].RequestedRegions) != 2 {
		t.Errorf("ItemOutcomes after a batch of 61 (one duplicate): %d outcomes, first %+v", len(got), got[0])
	}
}

// A damaged item fails the read with its key in the message; no panic.
func TestDamagedItems(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, Options{})
	r := record("111111111111", inventory.EC2Instance, "i-1", t0)
	if err := s.PutRecords(ctx, []inventory.Record{r}); err != nil {
		t.Fatal(err)
	}
	pk, sk := recordPK(r.AccountID, r.ResourceType), recordSK(r.Region, r.ResourceID)
	good := getRaw(t, s, pk, sk)
	for _, tc := range []struct {
		attr string
		v    types.AttributeValue
		want string
	}{
		{attrCollectedAt, avN("1"), "want a string"},
		{attrFirstSeen, avS("yesterday"), "first_seen"},
		{attrAttributes, avS("{not json"), "attributes"},
		{attrCost, avS("12"), "want a number"},
	} {
		item := maps.Clone(good)
		item[tc.attr] = tc.v
		if _, err := testClient.PutItem(ctx, &ddb.PutItemInput{TableName: aws.String(s.table), Item: item}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Query(ctx, store.Filter{Accounts: []string{r.AccountID}, ResourceTypes: []string{r.ResourceType}})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), pk) {
			t.Errorf("query of an item with %s = %v: %v; want an error naming the key and %q", tc.attr, tc.v, err, tc.want)
		}
	}
}

func TestPutRecordsRejectsBadInput(t *testing.T) {
	s := newTestStore(t, Options{})
	nan := 0.0
	nan /= nan
	huge := 1e200
	for _, tc := range []struct {
		name string
		mod  func(*inventory.Record)
		want string
	}{
		{"no account", func(r *inventory.Record) { r.AccountID = "" }, "account_id is required"},
		{"hash in type", func(r *inventory.Record) { r.ResourceType = "ec2#x" }, "contains '#'"},
		{"no id", func(r *inventory.Record) { r.ResourceID = "" }, "resource_id is required"},
		{"no time", func(r *inventory.Record) { r.CollectedAt = time.Time{} }, "collected_at is required"},
		{"NaN cost", func(r *inventory.Record) { r.EstimatedMonthlyCost = &nan }, "cannot be stored"},
		{"huge cost", func(r *inventory.Record) { r.EstimatedMonthlyCost = &huge }, "cannot be stored"},
		{"unencodable attribute", func(r *inventory.Record) { r.Attributes = map[string]any{"f": func() {}} }, "encode attributes"},
	} {
		r := record("111111111111", inventory.EC2Instance, "i-1", t0)
		tc.mod(&r)
		err := s.PutRecords(context.Background(), []inventory.Record{r})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	got, err := s.Query(context.Background(), store.Filter{IncludeDeleted: true})
	if err != nil || len(got) != 0 {
		t.Errorf("rejected records were stored: %d, %v", len(got), err)
	}
}
