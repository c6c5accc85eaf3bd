// Package dynamodb is the store backend of the deployed pipeline: one
// DynamoDB table holding resource records, run headers and item outcomes
// (schema.go describes the keys and why).
//
// Every call is a single-item or single-partition operation: DynamoDB has
// no multi-item transactions that local servers all support, and the
// pipeline needs none. PutRecords, MarkDeleted and Purge issue one
// conditional write per item, many at a time (Options.Concurrency), and the
// conditions keep them correct against concurrent runs: an older
// collection never overwrites a newer one, and a record a newer run wrote
// is never marked deleted or purged.
package dynamodb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// API is the part of the DynamoDB client the store uses; *dynamodb.Client
// has it, and tests substitute fakes.
type API interface {
	GetItem(context.Context, *ddb.GetItemInput, ...func(*ddb.Options)) (*ddb.GetItemOutput, error)
	PutItem(context.Context, *ddb.PutItemInput, ...func(*ddb.Options)) (*ddb.PutItemOutput, error)
	UpdateItem(context.Context, *ddb.UpdateItemInput, ...func(*ddb.Options)) (*ddb.UpdateItemOutput, error)
	DeleteItem(context.Context, *ddb.DeleteItemInput, ...func(*ddb.Options)) (*ddb.DeleteItemOutput, error)
	Query(context.Context, *ddb.QueryInput, ...func(*ddb.Options)) (*ddb.QueryOutput, error)
	Scan(context.Context, *ddb.ScanInput, ...func(*ddb.Options)) (*ddb.ScanOutput, error)
	BatchWriteItem(context.Context, *ddb.BatchWriteItemInput, ...func(*ddb.Options)) (*ddb.BatchWriteItemOutput, error)
}

// Options tune a Store; the zero value gives the defaults.
type Options struct {
	// Retention is how long a record of a deleted resource stays after
	// MarkDeleted before DynamoDB's TTL removes it. Default 90 days.
	Retention time.Duration
	// Concurrency bounds the DynamoDB calls the store has in flight at once,
	// over all its callers. Default 16, a little above the SDK HTTP
	// client's 10 idle connections per host: enough to hide per-call
	// latency without opening connections a Lambda then drops.
	Concurrency int
	// BatchAttempts bounds the BatchWriteItem calls for one chunk of 25
	// while DynamoDB keeps returning some of its items as unprocessed.
	// Default 8.
	BatchAttempts int
	// BatchBackoff is the longest first wait before resending unprocessed
	// items; it doubles per attempt up to 5 s, with full jitter. Default 50 ms.
	BatchBackoff time.Duration
	// ScanSegments is how many segments the parallel scans (a query without
	// filters, Purge) use. Default 4.
	ScanSegments int
}

const (
	defaultRetention     = 90 * 24 * time.Hour
	defaultConcurrency   = 16
	defaultBatchAttempts = 8
	defaultBatchBackoff  = 50 * time.Millisecond
	maxBatchBackoff      = 5 * time.Second
	defaultScanSegments  = 4
)

// Store is a store.Store on one DynamoDB table. It is safe for concurrent use.
type Store struct {
	api   API
	table string
	opts  Options
	// sem holds a token per DynamoDB call in flight (see forEach).
	sem chan struct{}
}

var _ store.Store = (*Store)(nil)

// New returns a store on an existing table, reached through client.
func New(client API, table string, opts Options) *Store {
	if opts.Retention <= 0 {
		opts.Retention = defaultRetention
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = defaultConcurrency
	}
	if opts.BatchAttempts <= 0 {
		opts.BatchAttempts = defaultBatchAttempts
	}
	if opts.BatchBackoff <= 0 {
		opts.BatchBackoff = defaultBatchBackoff
	}
	if opts.ScanSegments <= 0 {
		opts.ScanSegments = defaultScanSegments
	}
	return &Store{api: client, table: table, opts: opts, sem: make(chan struct{}, opts.Concurrency)}
}

// Open checks that table exists in cfg's region with this store's key
// schema and returns a store on it. Throttling is retried by the SDK's
// standard retryer, configured in cfg.
func Open(ctx context.Context, cfg aws.Config, table string, opts Options) (*Store, error) {
	if table == "" {
		return nil, errors.New("open DynamoDB inventory store: no table name (set DYNAMODB_TABLE_NAME)")
	}
	client := ddb.NewFromConfig(cfg)
	out, err := client.DescribeTable(ctx, &ddb.DescribeTableInput{TableName: aws.String(table)})
	var (
		nf  *types.ResourceNotFoundException
		api smithy.APIError
	)
	switch {
	case errors.As(err, &nf):
		return nil, fmt.Errorf("open DynamoDB inventory store: table %s does not exist in region %s (check DYNAMODB_TABLE_NAME and the region, or deploy the stack)", table, cfg.Region)
	case errors.As(err, &api) && api.ErrorCode() == "AccessDeniedException":
		return nil, fmt.Errorf("open DynamoDB inventory store: describe table %s in region %s: access denied; the caller needs dynamodb:DescribeTable on the table as well as the read/write actions: %w", table, cfg.Region, err)
	case err != nil:
		return nil, fmt.Errorf("open DynamoDB inventory store: describe table %s in region %s: %w", table, cfg.Region, err)
	}
	if err := checkSchema(out.Table); err != nil {
		return nil, fmt.Errorf("open DynamoDB inventory store: table %s in region %s: %w", table, cfg.Region, err)
	}
	return New(client, table, opts), nil
}

// checkSchema reports a table whose keys or indexes are not the store's
// (a table of another application, or of an incompatible version), which
// would otherwise fail later on the first write or query.
func checkSchema(t *types.TableDescription) error {
	if t == nil {
		return errors.New("DescribeTable returned no description")
	}
	keys := func(ks []types.KeySchemaElement) (hash, rng string) {
		for _, k := range ks {
			switch k.KeyType {
			case types.KeyTypeHash:
				hash = aws.ToString(k.AttributeName)
			case types.KeyTypeRange:
				rng = aws.ToString(k.AttributeName)
			}
		}
		return hash, rng
	}
	if h, r := keys(t.KeySchema); h != PartitionKey || r != SortKey {
		return fmt.Errorf("key schema is (%q, %q), want (%q, %q): not an inventory table", h, r, PartitionKey, SortKey)
	}
	have := map[string]types.GlobalSecondaryIndexDescription{}
	for _, g := range t.GlobalSecondaryIndexes {
		have[aws.ToString(g.IndexName)] = g
	}
	for _, ix := range Indexes {
		g, ok := have[ix.Name]
		if !ok {
			return fmt.Errorf("index %s is missing", ix.Name)
		}
		if h, r := keys(g.KeySchema); h != ix.PartitionKey || r != ix.SortKey {
			return fmt.Errorf("index %s has keys (%q, %q), want (%q, %q)", ix.Name, h, r, ix.PartitionKey, ix.SortKey)
		}
	}
	return nil
}

// Table returns the table's name.
func (s *Store) Table() string { return s.table }

// Close does nothing: the store holds no connections of its own (the
// client's HTTP connections are the client's).
func (s *Store) Close() error { return nil }

// forEach calls fn for 0 ≤ i < n, as many at once as the store's semaphore
// allows; the semaphore is shared by all calls on the store, so concurrent
// PutRecords calls together never exceed Options.Concurrency. fn must make
// at most one DynamoDB call at a time and must not call forEach (its token
// is held until it returns). After the first error no new calls start and
// the others see a cancelled context; that first error is returned.
func (s *Store) forEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		first   error
		started int
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
			cancel()
		}
	}
loop:
	for i := range n {
		if inner.Err() != nil {
			break
		}
		select {
		case s.sem <- struct{}{}:
		case <-inner.Done():
			break loop
		}
		started++
		wg.Go(func() {
			defer func() { <-s.sem }()
			if err := fn(inner, i); err != nil {
				fail(err)
			}
		})
	}
	wg.Wait()
	switch {
	case first != nil:
		return first
	case started < n: // the caller's context ended before all started
		return ctx.Err()
	}
	return nil
}

// Times are stored as fixed-width RFC 3339 UTC text with nanoseconds, as in
// the SQLite backend: text order is time order, so condition expressions
// (collected_at <= :new, last_seen < :at) compare them as strings, and the
// table stays readable in the console.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// checkTime rejects times that do not format to the fixed width (years
// outside 1–9999), whose text order would not be time order.
func checkTime(name string, t time.Time) error {
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return fmt.Errorf("%s %v is outside years 1–9999", name, t)
	}
	return nil
}

// Attribute value constructors.
func avS(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func avN(s string) types.AttributeValue { return &types.AttributeValueMemberN{Value: s} }
func avInt(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func avTime(t time.Time) types.AttributeValue { return avS(formatTime(t)) }

// avFloat encodes a float for DynamoDB, whose numbers have 38 digits and
// magnitudes from 1e-130 to below 1e126: NaN, infinities and magnitudes
// outside that range cannot be stored.
func avFloat(f float64) (types.AttributeValue, error) {
	a := math.Abs(f)
	if math.IsNaN(f) || math.IsInf(f, 0) || (a != 0 && (a >= 1e126 || a < 1e-130)) {
		return nil, fmt.Errorf("%v cannot be stored as a DynamoDB number", f)
	}
	return avN(strconv.FormatFloat(f, 'f', -1, 64)), nil
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{PartitionKey: avS(pk), SortKey: avS(sk)}
}

// itemKey returns an item's key as pk/sk text for error messages.
func itemKey(item map[string]types.AttributeValue) string {
	pk, _ := item[PartitionKey].(*types.AttributeValueMemberS)
	sk, _ := item[SortKey].(*types.AttributeValueMemberS)
	var p, s string
	if pk != nil {
		p = pk.Value
	}
	if sk != nil {
		s = sk.Value
	}
	return p + " / " + s
}

func isConditionFailed(err error) bool {
	var cf *types.ConditionalCheckFailedException
	return errors.As(err, &cf)
}
