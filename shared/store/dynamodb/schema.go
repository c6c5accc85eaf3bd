package dynamodb

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The table's schema. The CDK app creates the deployed table from these
// values and CreateTable creates test tables from them, so both have exactly
// the same keys and indexes.
//
// Every key attribute (table and indexes) is a string (S). The table is
// PAY_PER_REQUEST; TTLAttribute holds epoch seconds (N).
const (
	PartitionKey = "pk"
	SortKey      = "sk"
	// TTLAttribute is set on records of deleted resources (deleted_at plus
	// the store's Retention), so DynamoDB's TTL removes them without a scan.
	TTLAttribute = "expires_at"
)

// Index is a global secondary index of the table. Its projection is ALL:
// queries through it return whole records without a fetch per item.
type Index struct {
	Name         string
	PartitionKey string
	SortKey      string
	// Shards is how many partition key values one logical key is spread
	// over ("ec2_instance#0" … "ec2_instance#7"); 1 means not sharded. It is
	// the store's business only (the table does not know it), but it must
	// never change for a table that holds data: records written with the
	// old count would no longer be found.
	Shards int
}

// The indexes. All three share one sort key, gsi_sort =
// account#region#type#id, which is the order Query returns records in.
//
// by_type and by_department are sharded: their natural keys have a handful
// of values across the whole organization, so during a collection run every
// record of, say, ec2_instance in 1,000 accounts would be written to one
// index partition, which accepts about 1,000 writes/s; an index that cannot
// keep up throttles the writes to the table itself. Eight shards, picked by
// a hash of the record's key, spread that over eight partitions (more than a
// new on-demand table's 4,000 writes/s); a query by type or department runs
// the eight shard queries in parallel, which costs a little latency and no
// extra capacity (query cost is by data read, with a small per-query
// minimum).
//
// by_account is not sharded: one account's records are written only by
// that account's own work items, a far smaller stream, and a sort key that
// varies per record lets DynamoDB split a busy partition by sort key range.
var (
	ByType       = Index{Name: "by_type", PartitionKey: "gsi_type", SortKey: "gsi_sort", Shards: 8}
	ByDepartment = Index{Name: "by_department", PartitionKey: "gsi_department", SortKey: "gsi_sort", Shards: 8}
	ByAccount    = Index{Name: "by_account", PartitionKey: "gsi_account", SortKey: "gsi_sort", Shards: 1}

	Indexes = []Index{ByType, ByDepartment, ByAccount}
)

// Item layout (single-table design; every item's pk says what it is):
//
//	record        pk = R#<account>#<type>   sk = <region>#<resource id>
//	              gsi_type = <type>#<shard>, gsi_department = <department>#<shard>,
//	              gsi_account = <account>, gsi_sort = <account>#<region>#<type>#<id>
//	run header    pk = RUN#<run id>         sk = RUN
//	              gsi_type = RUNS, gsi_sort = <started_at>#<run id>
//	item outcome  pk = RUN#<run id>         sk = ITEM#<account>#<type>
//
// A record's partition is one work item's (account × type): the writes of
// one Collect invocation go to one partition key, those of different work
// items to different ones, and MarkDeleted of a work item is a query of
// that one partition (by region prefix). Run headers are also in by_type
// under the fixed key RUNS, sorted by start time, so ListRuns is a query
// newest first that reads only the runs it returns; record values of
// gsi_type always end in #<shard>, so they never equal RUNS. A run's item
// outcomes share its header's partition: ItemOutcomes is one query.
const (
	recordPrefix   = "R#"
	runPrefix      = "RUN#"
	runHeaderSK    = "RUN"
	outcomePrefix  = "ITEM#"
	runsIndexValue = "RUNS"
)

// Attribute names used in expressions besides the key attributes.
const (
	attrGSIType       = "gsi_type"
	attrGSIDepartment = "gsi_department"
	attrGSIAccount    = "gsi_account"
	attrGSISort       = "gsi_sort"
)

func recordPK(account, typ string) string { return recordPrefix + account + "#" + typ }
func recordSK(region, id string) string   { return region + "#" + id }
func runPK(id string) string              { return runPrefix + id }
func outcomeSK(account, typ string) string {
	return outcomePrefix + account + "#" + typ
}
func recordSort(account, region, typ, id string) string {
	return account + "#" + region + "#" + typ + "#" + id
}

// shard picks the shard of a record in the sharded indexes. It hashes the
// full key, so a record stays in its shard across updates and the records
// of one account, region or type spread evenly.
func shard(account, region, typ, id string, shards int) int {
	h := fnv.New32a()
	for _, s := range []string{account, region, typ, id} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return int(h.Sum32() % uint32(shards))
}

func shardKey(value string, n int) string { return fmt.Sprintf("%s#%d", value, n) }

// TableAPI is what CreateTable needs; *dynamodb.Client has it.
type TableAPI interface {
	CreateTable(context.Context, *ddb.CreateTableInput, ...func(*ddb.Options)) (*ddb.CreateTableOutput, error)
	DescribeTable(context.Context, *ddb.DescribeTableInput, ...func(*ddb.Options)) (*ddb.DescribeTableOutput, error)
}

// CreateTable creates a table with the store's schema and waits until it is
// active. It is for tests and local development: the deployed table comes
// from the CDK app, which also turns on TTL, point-in-time recovery and KMS
// encryption (CreateTable leaves TTL off: DynamoDB sets it with a separate
// call that local DynamoDB servers do not all have).
func CreateTable(ctx context.Context, client TableAPI, table string) error {
	in := &ddb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(PartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(SortKey), KeyType: types.KeyTypeRange},
		},
	}
	defined := map[string]bool{}
	define := func(name string) {
		if !defined[name] {
			defined[name] = true
			in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
				AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS,
			})
		}
	}
	define(PartitionKey)
	define(SortKey)
	for _, ix := range Indexes {
		define(ix.PartitionKey)
		define(ix.SortKey)
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SortKey), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	if _, err := client.CreateTable(ctx, in); err != nil {
		return fmt.Errorf("create DynamoDB table %s: %w", table, err)
	}
	// The SDK's defaults poll every 20 s or more, sized for production
	// tables; a test table is active within a second.
	w := ddb.NewTableExistsWaiter(client, func(o *ddb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = 5 * time.Second
	})
	if err := w.Wait(ctx, &ddb.DescribeTableInput{TableName: aws.String(table)}, 5*time.Minute); err != nil {
		return fmt.Errorf("wait for DynamoDB table %s to become active: %w", table, err)
	}
	return nil
}
