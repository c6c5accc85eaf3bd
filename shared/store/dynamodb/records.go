package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// Record attributes. attributes holds the record's attribute map as JSON
// text, exactly what the SQLite backend stores: it round-trips every value
// JSON can carry, where a native DynamoDB map would refuse numbers outside
// DynamoDB's range and need its own encoding of every Go type collectors
// put there. The store reads records whole and filters tags in memory, so
// nothing needs to address attributes inside the item.
const (
	attrResourceType = "resource_type"
	attrResourceID   = "resource_id"
	attrARN          = "arn"
	attrAccountID    = "account_id"
	attrAccountName  = "account_name"
	attrDepartment   = "department"
	attrRegion       = "region"
	attrCollectedAt  = "collected_at"
	attrFirstSeen    = "first_seen"
	attrLastSeen     = "last_seen"
	attrAttributes   = "attributes"
	attrCost         = "estimated_monthly_cost"
	attrCostBasis    = "cost_basis"
	attrRunID        = "run_id"
	attrDeletedAt    = "deleted_at"
)

// setOnPut are the attributes PutRecords sets from the record (with values
// named ":"+attribute). first_seen, the cost, deleted_at and expires_at are
// handled apart.
var setOnPut = []string{
	attrResourceType, attrResourceID, attrARN, attrAccountID, attrAccountName, attrDepartment, attrRegion,
	attrCollectedAt, attrLastSeen, attrAttributes, attrCostBasis, attrRunID,
	attrGSIType, attrGSIDepartment, attrGSIAccount, attrGSISort,
}

// putUpdate builds the UpdateItem expression of PutRecords; withCost says
// whether the record has a price (set) or not (removed: "not priced" is
// the attribute's absence, distinct from a price of 0).
//
// The condition makes an older collected_at a no-op (ConditionalCheckFailed,
// which PutRecords ignores), so a late or replayed batch never overwrites
// newer data; an equal one applies, so re-puts are idempotent and the cost
// stage can re-put records with prices. if_not_exists keeps first_seen.
// Every attribute name goes through ExpressionAttributeNames: several
// (region, attributes, …) are DynamoDB reserved words.
func putUpdate(withCost bool) (expr, cond string, names map[string]string) {
	names = map[string]string{}
	name := func(a string) string { names["#"+a] = a; return "#" + a }
	var set []string
	for _, a := range setOnPut {
		set = append(set, name(a)+" = :"+a)
	}
	set = append(set, name(attrFirstSeen)+" = if_not_exists("+name(attrFirstSeen)+", :"+attrCollectedAt+")")
	remove := []string{name(attrDeletedAt), name(TTLAttribute)}
	if withCost {
		set = append(set, name(attrCost)+" = :"+attrCost)
	} else {
		remove = append(remove, name(attrCost))
	}
	expr = "SET " + strings.Join(set, ", ") + " REMOVE " + strings.Join(remove, ", ")
	cond = "attribute_not_exists(" + name(PartitionKey) + ") OR " + name(attrCollectedAt) + " <= :" + attrCollectedAt
	return expr, cond, names
}

var (
	putWithCostExpr, putWithCostCond, putWithCostNames = putUpdate(true)
	putNoCostExpr, putNoCostCond, putNoCostNames       = putUpdate(false)
)

// checkKeyPart rejects '#' in the key parts that are joined with '#' into
// partition keys, where "1#2"+"x" and "1"+"2#x" would collide. Resource IDs
// come last in every key and may contain anything.
func checkKeyPart(name, v string) error {
	if v == "" {
		return fmt.Errorf("%s is required", name)
	}
	if strings.Contains(v, "#") {
		return fmt.Errorf("%s %q contains '#'", name, v)
	}
	return nil
}

// encodeRecord returns the UpdateItem input that upserts r.
func (s *Store) encodeRecord(r *inventory.Record) (*ddb.UpdateItemInput, error) {
	for _, p := range []struct{ name, v string }{
		{"account_id", r.AccountID}, {"region", r.Region}, {"resource_type", r.ResourceType},
	} {
		if err := checkKeyPart(p.name, p.v); err != nil {
			return nil, err
		}
	}
	if r.ResourceID == "" {
		return nil, errors.New("resource_id is required")
	}
	if r.CollectedAt.IsZero() {
		return nil, errors.New("collected_at is required")
	}
	if err := checkTime("collected_at", r.CollectedAt); err != nil {
		return nil, err
	}
	attrs, err := json.Marshal(r.Attributes)
	if err != nil {
		return nil, fmt.Errorf("encode attributes: %w", err)
	}
	at := avTime(r.CollectedAt)
	vals := map[string]types.AttributeValue{
		":" + attrResourceType: avS(r.ResourceType),
		":" + attrResourceID:   avS(r.ResourceID),
		":" + attrARN:          avS(r.ARN),
		":" + attrAccountID:    avS(r.AccountID),
		":" + attrAccountName:  avS(r.AccountName),
		":" + attrDepartment:   avS(r.Department),
		":" + attrRegion:       avS(r.Region),
		":" + attrCollectedAt:  at,
		":" + attrLastSeen:     at,
		":" + attrAttributes:   avS(string(attrs)),
		":" + attrCostBasis:    avS(r.CostBasis),
		":" + attrRunID:        avS(r.RunID),
		// Index keys: denormalized copies, because an index key must be a
		// top-level attribute of its own.
		":" + attrGSIType:       avS(shardKey(r.ResourceType, shard(r.AccountID, r.Region, r.ResourceType, r.ResourceID, ByType.Shards))),
		":" + attrGSIDepartment: avS(shardKey(r.Department, shard(r.AccountID, r.Region, r.ResourceType, r.ResourceID, ByDepartment.Shards))),
		":" + attrGSIAccount:    avS(r.AccountID),
		":" + attrGSISort:       avS(recordSort(r.AccountID, r.Region, r.ResourceType, r.ResourceID)),
	}
	in := &ddb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(recordPK(r.AccountID, r.ResourceType), recordSK(r.Region, r.ResourceID)),
		ExpressionAttributeValues: vals,
		UpdateExpression:          aws.String(putNoCostExpr),
		ConditionExpression:       aws.String(putNoCostCond),
		ExpressionAttributeNames:  putNoCostNames,
	}
	if c := r.EstimatedMonthlyCost; c != nil {
		av, err := avFloat(*c)
		if err != nil {
			return nil, fmt.Errorf("estimated_monthly_cost: %w", err)
		}
		vals[":"+attrCost] = av
		in.UpdateExpression = aws.String(putWithCostExpr)
		in.ConditionExpression = aws.String(putWithCostCond)
		in.ExpressionAttributeNames = putWithCostNames
	}
	return in, nil
}

// PutRecords upserts recs with one conditional UpdateItem per record (see
// putUpdate), Options.Concurrency at a time. BatchWriteItem would take 25
// records a call but can neither condition a write nor keep first_seen.
//
// Unlike the SQLite backend a batch is not atomic: on error some records
// may be written. Puts are idempotent, so the caller retries the batch.
func (s *Store) PutRecords(ctx context.Context, recs []inventory.Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put records into %s: %w", s.table, err)
	}
	// A key twice in one batch would race with itself: keep the newest
	// (the later one on equal times, as a sequential apply would).
	latest := make(map[inventory.Key]int, len(recs))
	for i := range recs {
		k := recs[i].Key()
		if j, ok := latest[k]; !ok || !recs[i].CollectedAt.Before(recs[j].CollectedAt) {
			latest[k] = i
		}
	}
	ins := make([]*ddb.UpdateItemInput, 0, len(latest))
	for i := range recs {
		if latest[recs[i].Key()] != i {
			continue
		}
		in, err := s.encodeRecord(&recs[i])
		if err != nil {
			return fmt.Errorf("put records into %s: %s: %w", s.table, recs[i].Key(), err)
		}
		ins = append(ins, in)
	}
	return s.forEach(ctx, len(ins), func(ctx context.Context, i int) error {
		_, err := s.api.UpdateItem(ctx, ins[i])
		if err != nil && !isConditionFailed(err) { // failed condition: newer data is stored
			return fmt.Errorf("put record into %s (UpdateItem %s): %w", s.table, itemKey(ins[i].Key), err)
		}
		return nil
	})
}

// queryPlan is the list of reads that together cover every record a filter
// can match: queries of partitions, or failing that a scan of the table.
type queryPlan struct {
	queries []*ddb.QueryInput
	scan    bool
}

// plan picks the narrowest way to read f's candidates; Query then applies
// the whole filter in memory. Accounts and types together name base-table
// partitions exactly (and allow consistent reads); otherwise one of the
// indexes, in the order account (one partition per account), type, then
// department (a shard query per value); a filter on none of these scans.
func (s *Store) plan(f store.Filter) queryPlan {
	accounts, rtypes, depts := uniq(f.Accounts), uniq(f.ResourceTypes), uniq(f.Departments)
	var p queryPlan
	switch {
	case len(accounts) > 0 && len(rtypes) > 0:
		for _, a := range accounts {
			for _, t := range rtypes {
				p.queries = append(p.queries, s.partitionQuery("", PartitionKey, recordPK(a, t)))
			}
		}
	case len(accounts) > 0:
		for _, a := range accounts {
			p.queries = append(p.queries, s.partitionQuery(ByAccount.Name, ByAccount.PartitionKey, a))
		}
	case len(rtypes) > 0:
		p.queries = s.shardQueries(ByType, rtypes)
	case len(depts) > 0:
		p.queries = s.shardQueries(ByDepartment, depts)
	default:
		p.scan = true
	}
	return p
}

func (s *Store) shardQueries(ix Index, values []string) []*ddb.QueryInput {
	var out []*ddb.QueryInput
	for _, v := range values {
		for n := range ix.Shards {
			out = append(out, s.partitionQuery(ix.Name, ix.PartitionKey, shardKey(v, n)))
		}
	}
	return out
}

// partitionQuery reads one partition of the table (index "") or of an index.
func (s *Store) partitionQuery(index, keyAttr, value string) *ddb.QueryInput {
	in := &ddb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#k = :k"),
		ExpressionAttributeNames:  map[string]string{"#k": keyAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": avS(value)},
	}
	if index == "" {
		in.ConsistentRead = aws.Bool(true) // indexes only offer eventual consistency
	} else {
		in.IndexName = aws.String(index)
	}
	return in
}

func uniq(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// Query returns the records matching f in account, region, type, id order.
func (s *Store) Query(ctx context.Context, f store.Filter) ([]inventory.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("query %s: %w", s.table, err)
	}
	m := newMatcher(f)
	var (
		mu  sync.Mutex
		out = []inventory.Record{}
	)
	// Items are decoded and filtered as pages arrive, in parallel, so a
	// large read never holds unmatched records.
	keep := func(items []map[string]types.AttributeValue) error {
		var page []inventory.Record
		for _, it := range items {
			r, err := decodeRecord(it)
			if err != nil {
				return err
			}
			if m.match(&r) {
				page = append(page, r)
			}
		}
		mu.Lock()
		out = append(out, page...)
		mu.Unlock()
		return nil
	}
	var err error
	if p := s.plan(f); p.scan {
		err = s.scan(ctx, s.recordScan(nil, nil), keep)
	} else {
		err = s.forEach(ctx, len(p.queries), func(ctx context.Context, i int) error {
			return s.query(ctx, p.queries[i], keep)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", s.table, err)
	}
	inventory.SortRecords(out)
	return out, nil
}

// query runs in to the end, page by page.
func (s *Store) query(ctx context.Context, in *ddb.QueryInput, page func([]map[string]types.AttributeValue) error) error {
	p := ddb.NewQueryPaginator(s.api, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("Query %s: %w", describeQuery(in), err)
		}
		if err := page(out.Items); err != nil {
			return err
		}
	}
	return nil
}

func describeQuery(in *ddb.QueryInput) string {
	where := "table"
	if in.IndexName != nil {
		where = "index " + *in.IndexName
	}
	v, _ := in.ExpressionAttributeValues[":k"].(*types.AttributeValueMemberS)
	if v == nil {
		return where
	}
	return where + " partition " + v.Value
}

// recordScan returns a scan of the table's records, with filter (on top of
// "is a record") and projection if given.
func (s *Store) recordScan(filter *string, projection *string) *ddb.ScanInput {
	in := &ddb.ScanInput{
		TableName:                 aws.String(s.table),
		FilterExpression:          aws.String("begins_with(#pk, :record)"),
		ExpressionAttributeNames:  map[string]string{"#pk": PartitionKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":record": avS(recordPrefix)},
		ProjectionExpression:      projection,
	}
	if filter != nil {
		in.FilterExpression = aws.String(*in.FilterExpression + " AND " + *filter)
	}
	return in
}

// scan runs in as a parallel scan of Options.ScanSegments segments.
func (s *Store) scan(ctx context.Context, in *ddb.ScanInput, page func([]map[string]types.AttributeValue) error) error {
	n := s.opts.ScanSegments
	return s.forEach(ctx, n, func(ctx context.Context, seg int) error {
		segIn := *in
		segIn.Segment = aws.Int32(int32(seg))
		segIn.TotalSegments = aws.Int32(int32(n))
		p := ddb.NewScanPaginator(s.api, &segIn)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("Scan segment %d of %d: %w", seg, n, err)
			}
			if err := page(out.Items); err != nil {
				return err
			}
		}
		return nil
	})
}

// matcher applies a whole store.Filter to a decoded record.
type matcher struct {
	f                             store.Filter
	rtypes, accts, depts, regions map[string]bool
}

func newMatcher(f store.Filter) matcher {
	set := func(xs []string) map[string]bool {
		if len(xs) == 0 {
			return nil
		}
		m := make(map[string]bool, len(xs))
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	return matcher{f: f, rtypes: set(f.ResourceTypes), accts: set(f.Accounts), depts: set(f.Departments), regions: set(f.Regions)}
}

func (m matcher) match(r *inventory.Record) bool {
	in := func(set map[string]bool, v string) bool { return set == nil || set[v] }
	switch {
	case !m.f.IncludeDeleted && r.DeletedAt != nil,
		!in(m.rtypes, r.ResourceType), !in(m.accts, r.AccountID),
		!in(m.depts, r.Department), !in(m.regions, r.Region),
		!m.f.Since.IsZero() && r.LastSeen.Before(m.f.Since),
		!m.f.Until.IsZero() && !r.LastSeen.Before(m.f.Until):
		return false
	}
	if len(m.f.Tags) > 0 {
		tags := r.Tags()
		for k, v := range m.f.Tags {
			if got, ok := tags[k]; !ok || got != v {
				return false
			}
		}
	}
	return true
}

// MarkDeleted marks the scope's live records that runID did not write and
// that were last seen before at. It queries the scope's partition (one per
// region, by sort key prefix) for candidates, then marks each with an
// UpdateItem whose condition repeats the test, so a record that a newer run
// wrote in between is left alone. deleted_at also sets expires_at, so
// DynamoDB's TTL removes the record after the retention period.
func (s *Store) MarkDeleted(ctx context.Context, sc store.Scope, runID string, at time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("mark deleted in %s: %w", s.table, err)
	}
	if len(sc.Regions) == 0 && !sc.AllRegions {
		return 0, nil // a work item that saw no region has seen nothing to delete
	}
	if err := checkTime("deleted_at", at); err != nil {
		return 0, fmt.Errorf("mark deleted in %s: %w", s.table, err)
	}
	pk := recordPK(sc.AccountID, sc.ResourceType)
	// A query's filter cannot name key attributes; the update's condition
	// adds that the item still exists, so that a record purged in between
	// is not recreated as a stub.
	filter := "attribute_not_exists(#deleted_at) AND #run_id <> :run AND #last_seen < :at"
	cond := "attribute_exists(#pk) AND " + filter
	names := map[string]string{"#deleted_at": attrDeletedAt, "#run_id": attrRunID, "#last_seen": attrLastSeen}
	vals := map[string]types.AttributeValue{":run": avS(runID), ":at": avTime(at)}

	var queries []*ddb.QueryInput
	prefixes := []string{""}
	if !sc.AllRegions {
		prefixes = nil
		for _, r := range uniq(sc.Regions) {
			prefixes = append(prefixes, r+"#")
		}
	}
	for _, prefix := range prefixes {
		in := s.partitionQuery("", PartitionKey, pk)
		// Every region: the whole partition. DynamoDB rejects an empty
		// string as a key condition value, so no begins_with(sk, "").
		in.ExpressionAttributeNames["#sk"] = SortKey // the projection names it
		if prefix != "" {
			in.KeyConditionExpression = aws.String("#k = :k AND begins_with(#sk, :prefix)")
			in.ExpressionAttributeValues[":prefix"] = avS(prefix)
		}
		in.FilterExpression = aws.String(filter)
		in.ProjectionExpression = aws.String("#k, #sk")
		for k, v := range names {
			in.ExpressionAttributeNames[k] = v
		}
		for k, v := range vals {
			in.ExpressionAttributeValues[k] = v
		}
		queries = append(queries, in)
	}
	var (
		mu   sync.Mutex
		keys []map[string]types.AttributeValue
	)
	err := s.forEach(ctx, len(queries), func(ctx context.Context, i int) error {
		return s.query(ctx, queries[i], func(items []map[string]types.AttributeValue) error {
			mu.Lock()
			keys = append(keys, items...)
			mu.Unlock()
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("mark deleted in %s (account %s, %s): %w", s.table, sc.AccountID, sc.ResourceType, err)
	}

	expires := strconv.FormatInt(at.Add(s.opts.Retention).Unix(), 10)
	var marked atomic.Int64
	err = s.forEach(ctx, len(keys), func(ctx context.Context, i int) error {
		in := &ddb.UpdateItemInput{
			TableName:                aws.String(s.table),
			Key:                      keys[i],
			UpdateExpression:         aws.String("SET #deleted_at = :at, #expires_at = :expires"),
			ConditionExpression:      aws.String(cond),
			ExpressionAttributeNames: map[string]string{"#pk": PartitionKey, "#expires_at": TTLAttribute},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":expires": avN(expires),
			},
		}
		for k, v := range names {
			in.ExpressionAttributeNames[k] = v
		}
		for k, v := range vals {
			in.ExpressionAttributeValues[k] = v
		}
		_, err := s.api.UpdateItem(ctx, in)
		switch {
		case err == nil:
			marked.Add(1)
		case !isConditionFailed(err): // failed: changed since the query, not ours to mark
			return fmt.Errorf("UpdateItem %s: %w", itemKey(keys[i]), err)
		}
		return nil
	})
	if err != nil {
		return int(marked.Load()), fmt.Errorf("mark deleted in %s (account %s, %s): %w", s.table, sc.AccountID, sc.ResourceType, err)
	}
	return int(marked.Load()), nil
}

// decodeRecord reads a record item; a malformed item is an error naming
// its key, never a panic.
func decodeRecord(item map[string]types.AttributeValue) (inventory.Record, error) {
	d := decoder{item: item}
	r := inventory.Record{
		ResourceType: d.str(attrResourceType),
		ResourceID:   d.str(attrResourceID),
		ARN:          d.str(attrARN),
		AccountID:    d.str(attrAccountID),
		AccountName:  d.str(attrAccountName),
		Department:   d.str(attrDepartment),
		Region:       d.str(attrRegion),
		CollectedAt:  d.time(attrCollectedAt),
		FirstSeen:    d.time(attrFirstSeen),
		LastSeen:     d.time(attrLastSeen),
		CostBasis:    d.str(attrCostBasis),
		RunID:        d.str(attrRunID),
	}
	if d.has(attrCost) {
		c := d.float(attrCost)
		r.EstimatedMonthlyCost = &c
	}
	if d.has(attrDeletedAt) {
		t := d.time(attrDeletedAt)
		r.DeletedAt = &t
	}
	if attrs := d.str(attrAttributes); attrs != "" && d.err == nil {
		if err := json.Unmarshal([]byte(attrs), &r.Attributes); err != nil {
			d.fail(attrAttributes, err)
		}
	}
	if d.err != nil {
		return inventory.Record{}, d.err
	}
	return r, nil
}
