// Package storetest is the contract suite every store.Store backend passes.
// It asserts only what the store package documents, so the SQLite and the
// DynamoDB backends run it unchanged:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return openTempStore(t) })
//	}
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// Run runs the contract suite. Each subtest calls open for a fresh, empty
// store and closes it when the subtest ends, so open must not close it.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"UpsertKeepsFirstSeenAdvancesLastSeenAndUndeletes", testUpsert},
		{"PutWithEqualCollectedAtUpdates", testEqualCollectedAtUpdates},
		{"RePutIsIdempotent", testRePutIsIdempotent},
		{"OlderCollectedAtNeverOverwrites", testOlderIgnored},
		{"OlderCollectedAtNeverOverwritesWithinBatch", testOlderIgnoredWithinBatch},
		{"KeyIsAccountRegionTypeAndID", testKeyDistinct},
		{"QueryOnEmptyStore", testQueryEmpty},
		{"QueryFilters", testQueryFilters},
		{"QueryOrder", testQueryOrder},
		{"AttributesRoundTrip", testAttributesRoundTrip},
		{"TimesRoundTripInUTC", testTimesRoundTrip},
		{"CostNilZeroAndValueStayDistinct", testCost},
		{"MarkDeletedScope", testMarkDeletedScope},
		{"MarkDeletedThenPutUndeletes", testMarkDeletedThenPut},
		{"MarkDeletedAllRegionsAndNewerRuns", testMarkDeletedAllRegions},
		{"Runs", testRuns},
		{"GetRunNotFound", testGetRunNotFound},
		{"ListRunsNewestFirstWithLimit", testListRuns},
		{"ItemOutcomes", testItemOutcomes},
		{"LargeBatches", testLargeBatches},
		{"ConcurrentPutRecords", testConcurrentPuts},
		{"CancelledContext", testCancelledContext},
		{"PurgeOnEmptyStore", testPurgeEmpty},
		{"PurgeRemovesOnlyWhatIsOlder", testPurge},
		{"Documents", testDocuments},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// base has microsecond precision: the contract promises at least that.
var base = time.Date(2025, 6, 1, 8, 30, 0, 123456000, time.UTC)

// at returns base plus h hours.
func at(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }

const (
	acctA = "111111111111"
	acctB = "222222222222"
	acctC = "333333333333"
	use1  = "us-east-1"
	euw1  = "eu-west-1"
	aps1  = "ap-south-1"
)

// rec builds a record as a collector emits it: FirstSeen, LastSeen and
// DeletedAt are the store's to set.
func rec(acct, region, typ, id string, collected time.Time, run string) inventory.Record {
	return inventory.Record{
		ResourceType: typ,
		ResourceID:   id,
		ARN:          fmt.Sprintf("arn:aws:%s:%s:%s:%s", typ, region, acct, id),
		AccountID:    acct,
		AccountName:  "account-" + acct[:3],
		Department:   "platform",
		Region:       region,
		CollectedAt:  collected,
		Attributes: map[string]any{
			"name":  id,
			"state": "running",
			"tags":  map[string]string{"Name": id},
		},
		RunID: run,
	}
}

// stored is what the store should hold after r was put into a store that
// first saw the resource at firstSeen.
func stored(r inventory.Record, firstSeen time.Time) inventory.Record {
	r.FirstSeen = firstSeen
	r.LastSeen = r.CollectedAt
	r.DeletedAt = nil
	return r
}

func put(t *testing.T, s store.Store, recs ...inventory.Record) {
	t.Helper()
	if err := s.PutRecords(context.Background(), recs); err != nil {
		t.Fatalf("PutRecords(%d records): %v", len(recs), err)
	}
}

func query(t *testing.T, s store.Store, f store.Filter) []inventory.Record {
	t.Helper()
	got, err := s.Query(context.Background(), f)
	if err != nil {
		t.Fatalf("Query(%+v): %v", f, err)
	}
	return got
}

// get returns the one stored record with k's key, deleted or not.
func get(t *testing.T, s store.Store, k inventory.Key) inventory.Record {
	t.Helper()
	got := query(t, s, store.Filter{
		Accounts: []string{k.AccountID}, Regions: []string{k.Region},
		ResourceTypes: []string{k.ResourceType}, IncludeDeleted: true,
	})
	var found []inventory.Record
	for _, r := range got {
		if r.ResourceID == k.ResourceID {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("records with key %s: got %d, want 1", k, len(found))
	}
	return found[0]
}

// normalize passes r through JSON, the form every backend must preserve:
// numbers in attributes come back as float64, maps as map[string]any.
func normalize(t *testing.T, r inventory.Record) inventory.Record {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("marshal %s: %v", r.Key(), err)
	}
	var out inventory.Record
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal %s: %v", r.Key(), err)
	}
	return out
}

func assertRecord(t *testing.T, got, want inventory.Record) {
	t.Helper()
	g, w := normalize(t, got), normalize(t, want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("record %s:\n got %s\nwant %s", want.Key(), mustJSON(t, got), mustJSON(t, want))
	}
}

func assertRecords(t *testing.T, got, want []inventory.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records %v, want %d %v", len(got), keys(got), len(want), keys(want))
	}
	for i := range want {
		assertRecord(t, got[i], want[i])
	}
}

func keys(rs []inventory.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Key().String()
	}
	return out
}

func ids(rs []inventory.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ResourceID
	}
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }

func testUpsert(t *testing.T, s store.Store) {
	first := rec(acctA, use1, inventory.EC2Instance, "i-1", at(0), "run-1")
	put(t, s, first)
	assertRecord(t, get(t, s, first.Key()), stored(first, at(0)))

	// The resource disappears, then comes back in a later run changed.
	if _, err := s.MarkDeleted(context.Background(), store.Scope{AccountID: acctA, ResourceType: inventory.EC2Instance, Regions: []string{use1}}, "run-2", at(1)); err != nil {
		t.Fatalf("MarkDeleted: %v", err)
	}
	second := rec(acctA, use1, inventory.EC2Instance, "i-1", at(2), "run-3")
	second.AccountName = "renamed"
	second.Department = "data"
	second.ARN = "arn:changed"
	second.Attributes = map[string]any{"name": "web", "state": "stopped", "tags": map[string]string{"Env": "prod"}}
	second.EstimatedMonthlyCost = ptr(12.5)
	second.CostBasis = "on_demand"
	put(t, s, second)

	got := get(t, s, first.Key())
	assertRecord(t, got, stored(second, at(0)))
	if !got.FirstSeen.Equal(at(0)) || !got.LastSeen.Equal(at(2)) || got.DeletedAt != nil {
		t.Errorf("first_seen %v last_seen %v deleted_at %v; want %v, %v, nil", got.FirstSeen, got.LastSeen, got.DeletedAt, at(0), at(2))
	}
}

// The cost stage re-puts a run's records with prices added: an equal
// CollectedAt is not older, so it must be applied.
func testEqualCollectedAtUpdates(t *testing.T, s store.Store) {
	r := rec(acctA, use1, inventory.EBSVolume, "vol-1", at(1), "run-1")
	put(t, s, r)
	r.EstimatedMonthlyCost = ptr(8.0)
	r.CostBasis = "gp3 us-east-1"
	r.Attributes["idle"] = true
	put(t, s, r)
	assertRecord(t, get(t, s, r.Key()), stored(r, at(1)))
}

func testRePutIsIdempotent(t *testing.T, s store.Store) {
	batch := []inventory.Record{
		rec(acctA, use1, inventory.EC2Instance, "i-1", at(1), "run-1"),
		rec(acctA, use1, inventory.EC2Instance, "i-2", at(1), "run-1"),
		rec(acctA, euw1, inventory.S3Bucket, "bucket-1", at(1), "run-1"),
	}
	put(t, s, batch...)
	once := query(t, s, store.Filter{IncludeDeleted: true})
	put(t, s, batch...)
	twice := query(t, s, store.Filter{IncludeDeleted: true})
	assertRecords(t, twice, once)
	if len(twice) != len(batch) {
		t.Errorf("got %d records after putting %d twice", len(twice), len(batch))
	}
}

func testOlderIgnored(t *testing.T, s store.Store) {
	newer := rec(acctA, use1, inventory.RDSInstance, "db-1", at(5), "run-5")
	newer.Attributes["engine"] = "postgres16"
	newer.EstimatedMonthlyCost = ptr(100.0)
	put(t, s, newer)

	// A replayed batch of an earlier run arrives late.
	older := rec(acctA, use1, inventory.RDSInstance, "db-1", at(3), "run-3")
	older.Attributes["engine"] = "postgres14"
	put(t, s, older)

	assertRecord(t, get(t, s, newer.Key()), stored(newer, at(5)))
}

func testOlderIgnoredWithinBatch(t *testing.T, s store.Store) {
	for _, order := range []string{"newer first", "older first"} {
		t.Run(order, func(t *testing.T) {
			id := "i-" + order
			newer := rec(acctA, use1, inventory.EC2Instance, id, at(2), "run-2")
			newer.Attributes["state"] = "stopped"
			older := rec(acctA, use1, inventory.EC2Instance, id, at(1), "run-1")
			batch := []inventory.Record{newer, older}
			if order == "older first" {
				batch = []inventory.Record{older, newer}
			}
			put(t, s, batch...)
			// first_seen may be either time here: a backend may drop the
			// older duplicate before writing (DynamoDB rejects duplicate
			// keys in one batch). Everything else is the newer record's.
			got := get(t, s, newer.Key())
			want := stored(newer, got.FirstSeen)
			assertRecord(t, got, want)
			if got.FirstSeen.Before(at(1)) || got.FirstSeen.After(at(2)) {
				t.Errorf("first_seen %v, want between %v and %v", got.FirstSeen, at(1), at(2))
			}
		})
	}
}

func testKeyDistinct(t *testing.T, s store.Store) {
	const id = "shared-id"
	recs := []inventory.Record{
		rec(acctA, use1, inventory.EC2Instance, id, at(1), "run-1"),
		rec(acctB, use1, inventory.EC2Instance, id, at(1), "run-1"),
		rec(acctA, euw1, inventory.EC2Instance, id, at(1), "run-1"),
		rec(acctA, use1, inventory.EBSVolume, id, at(1), "run-1"),
	}
	for i := range recs {
		recs[i].Attributes["n"] = i
	}
	put(t, s, recs...)

	// Changing one must leave the others alone.
	changed := recs[0]
	changed.CollectedAt = at(2)
	changed.Attributes = map[string]any{"n": 99}
	put(t, s, changed)

	want := []inventory.Record{stored(changed, at(1))}
	for _, r := range recs[1:] {
		want = append(want, stored(r, at(1)))
	}
	inventory.SortRecords(want)
	assertRecords(t, query(t, s, store.Filter{}), want)
}

func testQueryEmpty(t *testing.T, s store.Store) {
	if got := query(t, s, store.Filter{IncludeDeleted: true}); len(got) != 0 {
		t.Errorf("empty store returned %v", keys(got))
	}
	if got := query(t, s, store.Filter{Tags: map[string]string{"Env": "prod"}, Since: at(0)}); len(got) != 0 {
		t.Errorf("empty store returned %v", keys(got))
	}
}

// filterData is the data set of testQueryFilters. Resource IDs are unique
// so that expectations can name them.
func filterData() []inventory.Record {
	mk := func(acct, region, typ, id, dept string, tags map[string]string, seen int) inventory.Record {
		r := rec(acct, region, typ, id, at(seen), "run-1")
		r.Department = dept
		r.Attributes["tags"] = tags
		return r
	}
	return []inventory.Record{
		mk(acctA, use1, inventory.EC2Instance, "i-1", "platform", map[string]string{"Env": "prod", "Team": "core", "aws:cloudformation:stack-name": "web"}, 1),
		mk(acctA, euw1, inventory.EC2Instance, "i-2", "platform", map[string]string{"Env": "dev"}, 2),
		mk(acctA, use1, inventory.EBSVolume, "vol-1", "platform", map[string]string{"Env": "prod"}, 3),
		mk(acctB, use1, inventory.EC2Instance, "i-3", "data", map[string]string{"Env": "prod", "Team": "analytics", "Cost Center": "42"}, 4),
		mk(acctB, euw1, inventory.S3Bucket, "bkt-1", "data", map[string]string{"Env": "prod", "Team": "core", `odd"key.$[0]`: "v"}, 5),
		mk(acctC, euw1, inventory.EBSVolume, "vol-2", "finance", map[string]string{}, 6),
		// i-4 is marked deleted below.
		mk(acctC, use1, inventory.EC2Instance, "i-4", "finance", map[string]string{"Env": "prod"}, 1),
	}
}

func testQueryFilters(t *testing.T, s store.Store) {
	data := filterData()
	// Put in a shuffled order over several batches: order of writes must
	// not show in results.
	shuffled := slices.Clone(data)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	put(t, s, shuffled[:3]...)
	put(t, s, shuffled[3:]...)
	n, err := s.MarkDeleted(context.Background(), store.Scope{AccountID: acctC, ResourceType: inventory.EC2Instance, Regions: []string{use1}}, "run-2", at(10))
	if err != nil || n != 1 {
		t.Fatalf("MarkDeleted = %d, %v; want 1, nil", n, err)
	}

	byID := map[string]inventory.Record{}
	for _, r := range data {
		byID[r.ResourceID] = r
	}

	tests := []struct {
		name string
		f    store.Filter
		want []string // resource IDs in result order
	}{
		{"no filter: all live", store.Filter{}, []string{"i-2", "vol-1", "i-1", "bkt-1", "i-3", "vol-2"}},
		{"include deleted", store.Filter{IncludeDeleted: true}, []string{"i-2", "vol-1", "i-1", "bkt-1", "i-3", "vol-2", "i-4"}},
		{"one type", store.Filter{ResourceTypes: []string{inventory.EC2Instance}}, []string{"i-2", "i-1", "i-3"}},
		{"two types", store.Filter{ResourceTypes: []string{inventory.EC2Instance, inventory.S3Bucket}}, []string{"i-2", "i-1", "bkt-1", "i-3"}},
		{"unknown type", store.Filter{ResourceTypes: []string{"nat_gateway"}}, nil},
		{"one account", store.Filter{Accounts: []string{acctB}}, []string{"bkt-1", "i-3"}},
		{"two accounts", store.Filter{Accounts: []string{acctA, acctC}}, []string{"i-2", "vol-1", "i-1", "vol-2"}},
		{"one department", store.Filter{Departments: []string{"data"}}, []string{"bkt-1", "i-3"}},
		{"two departments", store.Filter{Departments: []string{"platform", "finance"}}, []string{"i-2", "vol-1", "i-1", "vol-2"}},
		{"one region", store.Filter{Regions: []string{euw1}}, []string{"i-2", "bkt-1", "vol-2"}},
		{"two regions", store.Filter{Regions: []string{euw1, use1}}, []string{"i-2", "vol-1", "i-1", "bkt-1", "i-3", "vol-2"}},
		{"one tag", store.Filter{Tags: map[string]string{"Env": "prod"}}, []string{"vol-1", "i-1", "bkt-1", "i-3"}},
		{"tags all must match", store.Filter{Tags: map[string]string{"Env": "prod", "Team": "core"}}, []string{"i-1", "bkt-1"}},
		{"tags none match together", store.Filter{Tags: map[string]string{"Env": "dev", "Team": "core"}}, nil},
		{"tag value is case sensitive", store.Filter{Tags: map[string]string{"Env": "PROD"}}, nil},
		{"tag key with colons", store.Filter{Tags: map[string]string{"aws:cloudformation:stack-name": "web"}}, []string{"i-1"}},
		{"tag key with space", store.Filter{Tags: map[string]string{"Cost Center": "42"}}, []string{"i-3"}},
		{"tag key with quote, dot, dollar, brackets", store.Filter{Tags: map[string]string{`odd"key.$[0]`: "v"}}, []string{"bkt-1"}},
		{"tag with include deleted", store.Filter{Tags: map[string]string{"Env": "prod"}, IncludeDeleted: true}, []string{"vol-1", "i-1", "bkt-1", "i-3", "i-4"}},
		{"since is inclusive", store.Filter{Since: at(3)}, []string{"vol-1", "bkt-1", "i-3", "vol-2"}},
		{"until is exclusive", store.Filter{Until: at(3)}, []string{"i-2", "i-1"}},
		{"since and until", store.Filter{Since: at(2), Until: at(5)}, []string{"i-2", "vol-1", "i-3"}},
		{"since in another time zone", store.Filter{Since: at(5).In(time.FixedZone("UTC+5", 5*3600))}, []string{"bkt-1", "vol-2"}},
		{"combined type account region tag since", store.Filter{
			ResourceTypes: []string{inventory.EC2Instance},
			Accounts:      []string{acctA, acctB},
			Regions:       []string{use1},
			Tags:          map[string]string{"Env": "prod"},
			Since:         at(1),
		}, []string{"i-1", "i-3"}},
		{"combined department type region", store.Filter{
			Departments:   []string{"platform"},
			ResourceTypes: []string{inventory.EBSVolume},
			Regions:       []string{use1},
		}, []string{"vol-1"}},
		{"combined excludes everything", store.Filter{Accounts: []string{acctA}, Departments: []string{"data"}}, nil},
		{"deleted only shows when included", store.Filter{Accounts: []string{acctC}, ResourceTypes: []string{inventory.EC2Instance}}, nil},
		{"deleted included with filters", store.Filter{Accounts: []string{acctC}, ResourceTypes: []string{inventory.EC2Instance}, IncludeDeleted: true}, []string{"i-4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := query(t, s, tc.f)
			if !slices.Equal(ids(got), tc.want) {
				t.Fatalf("got %v, want %v", ids(got), tc.want)
			}
			for _, g := range got {
				want := stored(byID[g.ResourceID], byID[g.ResourceID].CollectedAt)
				if g.ResourceID == "i-4" {
					want.DeletedAt = ptr(at(10))
				}
				assertRecord(t, g, want)
			}
		})
	}
}

// Results are ordered by account, region, type, id, compared as bytes, the
// order inventory.SortRecords gives.
func testQueryOrder(t *testing.T, s store.Store) {
	var recs []inventory.Record
	for _, acct := range []string{acctB, acctA} {
		for _, region := range []string{use1, aps1, euw1} {
			for _, typ := range []string{inventory.SecurityGroup, inventory.EBSVolume, inventory.EC2Instance} {
				for _, id := range []string{"b", "a", "B", "9", "10", "a-1", "a_1"} {
					recs = append(recs, rec(acct, region, typ, id, at(1), "run-1"))
				}
			}
		}
	}
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	put(t, s, recs...)

	want := slices.Clone(recs)
	inventory.SortRecords(want)
	got := query(t, s, store.Filter{})
	if !slices.Equal(keys(got), keys(want)) {
		t.Fatalf("order:\n got %v\nwant %v", keys(got), keys(want))
	}
}

func testAttributesRoundTrip(t *testing.T, s store.Store) {
	r := rec(acctA, use1, inventory.EC2Instance, "i-attrs", at(1), "run-1")
	r.Attributes = map[string]any{
		"name":           "web-1",
		"state":          "running",
		"instance_type":  "m7g.large",
		"cpu_count":      2,
		"memory_gib":     8.5,
		"launch_epoch":   int64(1717228800),
		"negative":       -3.25,
		"ebs_optimized":  true,
		"public":         false,
		"nothing":        nil,
		"empty_string":   "",
		"security_group": []string{"sg-1", "sg-2"},
		"empty_list":     []string{},
		"mixed":          []any{"a", 1, true, nil, map[string]any{"k": "v"}},
		"tags":           map[string]string{"Name": "web-1", "Env": "prod", "aws:autoscaling:groupName": "asg"},
		"network": map[string]any{
			"vpc_id": "vpc-1",
			"interfaces": []any{
				map[string]any{"id": "eni-1", "private_ips": []string{"10.0.0.1"}, "primary": true},
			},
			"nested": map[string]any{"deeper": map[string]any{"deepest": 1.5}},
		},
		"unicode": "Zürich – 東京 \"quoted\" <tag> & \\ backslash",
	}
	put(t, s, r)
	got := get(t, s, r.Key())
	assertRecord(t, got, stored(r, at(1)))
	if tags := got.Tags(); tags["aws:autoscaling:groupName"] != "asg" || len(tags) != 3 {
		t.Errorf("Tags() = %v", tags)
	}

	// A record without attributes stays without.
	bare := rec(acctA, use1, inventory.EC2Instance, "i-bare", at(1), "run-1")
	bare.Attributes = nil
	put(t, s, bare)
	if got := get(t, s, bare.Key()); len(got.Attributes) != 0 {
		t.Errorf("attributes of a record put without any: %v", got.Attributes)
	}
}

func testTimesRoundTrip(t *testing.T, s store.Store) {
	zone := time.FixedZone("UTC-7", -7*3600)
	r := rec(acctA, use1, inventory.LambdaFunction, "fn-1", time.Date(2025, 2, 3, 4, 5, 6, 789012000, zone), "run-1")
	put(t, s, r)
	got := get(t, s, r.Key())
	for name, tm := range map[string]time.Time{"collected_at": got.CollectedAt, "first_seen": got.FirstSeen, "last_seen": got.LastSeen} {
		if !tm.Equal(r.CollectedAt) {
			t.Errorf("%s = %v, want %v", name, tm, r.CollectedAt)
		}
		if tm.Location() != time.UTC {
			t.Errorf("%s location = %v, want UTC", name, tm.Location())
		}
	}

	// Sub-second ordering survives storage: a put 1µs older is ignored.
	older := r
	older.CollectedAt = r.CollectedAt.Add(-time.Microsecond)
	older.Attributes = map[string]any{"state": "older"}
	put(t, s, older)
	if got := get(t, s, r.Key()); got.Attributes["state"] != "running" {
		t.Errorf("a put 1µs older overwrote the record: %v", got.Attributes)
	}
	newer := r
	newer.CollectedAt = r.CollectedAt.Add(time.Microsecond)
	newer.Attributes = map[string]any{"state": "newer"}
	put(t, s, newer)
	if got := get(t, s, r.Key()); got.Attributes["state"] != "newer" || !got.LastSeen.Equal(newer.CollectedAt) {
		t.Errorf("a put 1µs newer was not applied: %v, last_seen %v", got.Attributes, got.LastSeen)
	}
}

func testCost(t *testing.T, s store.Store) {
	unpriced := rec(acctA, use1, inventory.EBSVolume, "vol-unpriced", at(1), "run-1")
	free := rec(acctA, use1, inventory.EBSVolume, "vol-free", at(1), "run-1")
	free.EstimatedMonthlyCost = ptr(0.0)
	free.CostBasis = "free tier"
	priced := rec(acctA, use1, inventory.EBSVolume, "vol-priced", at(1), "run-1")
	priced.EstimatedMonthlyCost = ptr(123.456789)
	priced.CostBasis = "price list 2025-05 gp3 us-east-1"
	put(t, s, unpriced, free, priced)

	for _, want := range []inventory.Record{unpriced, free, priced} {
		got := get(t, s, want.Key())
		assertRecord(t, got, stored(want, at(1)))
		switch {
		case want.EstimatedMonthlyCost == nil && got.EstimatedMonthlyCost != nil:
			t.Errorf("%s: cost %v, want nil (not priced)", want.ResourceID, *got.EstimatedMonthlyCost)
		case want.EstimatedMonthlyCost != nil && got.EstimatedMonthlyCost == nil:
			t.Errorf("%s: cost nil, want %v", want.ResourceID, *want.EstimatedMonthlyCost)
		case want.EstimatedMonthlyCost != nil && *got.EstimatedMonthlyCost != *want.EstimatedMonthlyCost:
			t.Errorf("%s: cost %v, want %v", want.ResourceID, *got.EstimatedMonthlyCost, *want.EstimatedMonthlyCost)
		}
		if got.CostBasis != want.CostBasis {
			t.Errorf("%s: cost_basis %q, want %q", want.ResourceID, got.CostBasis, want.CostBasis)
		}
	}

	// A later put replaces the price, including back to "not priced".
	priced.CollectedAt = at(2)
	priced.EstimatedMonthlyCost = nil
	priced.CostBasis = ""
	put(t, s, priced)
	if got := get(t, s, priced.Key()); got.EstimatedMonthlyCost != nil || got.CostBasis != "" {
		t.Errorf("after re-put without a price: cost %v basis %q, want nil and empty", got.EstimatedMonthlyCost, got.CostBasis)
	}
}

func markDeleted(t *testing.T, s store.Store, sc store.Scope, run string, when time.Time) int {
	t.Helper()
	n, err := s.MarkDeleted(context.Background(), sc, run, when)
	if err != nil {
		t.Fatalf("MarkDeleted(%+v, %s): %v", sc, run, err)
	}
	return n
}

func testMarkDeletedScope(t *testing.T, s store.Store) {
	ec2 := inventory.EC2Instance
	scope := store.Scope{AccountID: acctA, ResourceType: ec2, Regions: []string{use1, euw1}}

	// gone was deleted by an earlier run; its deleted_at must stay.
	gone := rec(acctA, use1, ec2, "i-gone", at(0), "run-0")
	put(t, s, gone)
	if n := markDeleted(t, s, store.Scope{AccountID: acctA, ResourceType: ec2, Regions: []string{use1}}, "run-1", at(1)); n != 1 {
		t.Fatalf("first MarkDeleted marked %d, want 1", n)
	}

	unseen := rec(acctA, use1, ec2, "i-unseen", at(2), "run-1")      // in scope, not seen by run-2
	seen := rec(acctA, use1, ec2, "i-seen", at(3), "run-2")          // written by run-2
	unseenEU := rec(acctA, euw1, ec2, "i-unseen-eu", at(2), "run-1") // second listed region
	otherRegion := rec(acctA, aps1, ec2, "i-aps", at(2), "run-1")    // region not listed
	otherType := rec(acctA, use1, inventory.EBSVolume, "vol", at(2), "run-1")
	otherAcct := rec(acctB, use1, ec2, "i-b", at(2), "run-1")
	put(t, s, unseen, seen, unseenEU, otherRegion, otherType, otherAcct)

	if n := markDeleted(t, s, scope, "run-2", at(4)); n != 2 {
		t.Errorf("MarkDeleted marked %d, want 2 (i-unseen, i-unseen-eu)", n)
	}
	// Nothing is left to mark, and earlier marks keep their time.
	if n := markDeleted(t, s, scope, "run-2", at(5)); n != 0 {
		t.Errorf("repeated MarkDeleted marked %d, want 0", n)
	}

	deleted := func(r inventory.Record, when time.Time) inventory.Record {
		w := stored(r, r.CollectedAt)
		w.DeletedAt = ptr(when)
		return w
	}
	want := []inventory.Record{
		deleted(gone, at(1)),
		deleted(unseen, at(4)),
		stored(seen, at(3)),
		deleted(unseenEU, at(4)),
		stored(otherRegion, at(2)),
		stored(otherType, at(2)),
		stored(otherAcct, at(2)),
	}
	inventory.SortRecords(want)
	assertRecords(t, query(t, s, store.Filter{IncludeDeleted: true}), want)

	var live []inventory.Record
	for _, w := range want {
		if w.DeletedAt == nil {
			live = append(live, w)
		}
	}
	assertRecords(t, query(t, s, store.Filter{}), live)
}

func testMarkDeletedThenPut(t *testing.T, s store.Store) {
	a := rec(acctA, use1, inventory.ElasticIP, "eip-a", at(1), "run-1")
	b := rec(acctA, use1, inventory.ElasticIP, "eip-b", at(1), "run-1")
	put(t, s, a, b)
	if n := markDeleted(t, s, store.Scope{AccountID: acctA, ResourceType: inventory.ElasticIP, Regions: []string{use1}}, "run-2", at(2)); n != 2 {
		t.Fatalf("MarkDeleted marked %d, want 2", n)
	}

	// a reappears in a later run: live again, first_seen kept.
	a.CollectedAt = at(3)
	a.RunID = "run-3"
	put(t, s, a)
	assertRecord(t, get(t, s, a.Key()), stored(a, at(1)))

	// A late replay of a run older than the deletion does not revive b.
	lateB := b
	lateB.CollectedAt = at(0)
	lateB.RunID = "run-0"
	put(t, s, lateB)
	wantB := stored(b, at(1))
	wantB.DeletedAt = ptr(at(2))
	assertRecord(t, get(t, s, b.Key()), wantB)

	if got := query(t, s, store.Filter{ResourceTypes: []string{inventory.ElasticIP}}); !slices.Equal(ids(got), []string{"eip-a"}) {
		t.Errorf("live elastic IPs %v, want [eip-a]", ids(got))
	}
}

func assertRun(t *testing.T, got, want store.Run) {
	t.Helper()
	if got.ID != want.ID || got.Status != want.Status || got.ReplayOf != want.ReplayOf ||
		!got.StartedAt.Equal(want.StartedAt) || !got.FinishedAt.Equal(want.FinishedAt) ||
		got.FinishedAt.IsZero() != want.FinishedAt.IsZero() || !sameJSON(got.Summary, want.Summary) {
		t.Errorf("run:\n got %+v (summary %s)\nwant %+v (summary %s)", got, got.Summary, want, want.Summary)
	}
}

// sameJSON compares two JSON documents by value (a backend may re-encode
// the summary); empty and nil are the same.
func sameJSON(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(va, vb)
}

func testRuns(t *testing.T, s store.Store) {
	ctx := context.Background()
	r := store.Run{ID: "run-2025-06-01T08:30:00Z", Status: store.RunRunning, StartedAt: at(0)}
	if err := s.PutRun(ctx, r); err != nil {
		t.Fatalf("PutRun: %v", err)
	}
	got, err := s.GetRun(ctx, r.ID)
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	assertRun(t, got, r)

	// Aggregate replaces the header when the run ends.
	r.Status = store.RunPartial
	r.FinishedAt = at(1).Add(123 * time.Microsecond)
	r.Summary = []byte(`{"resources": 1234, "failed_items": [{"account_id": "111111111111", "resource_type": "ec2_instance"}], "cost": 12.5}`)
	if err := s.PutRun(ctx, r); err != nil {
		t.Fatalf("PutRun (replace): %v", err)
	}
	if got, err = s.GetRun(ctx, r.ID); err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	assertRun(t, got, r)

	replay := store.Run{ID: "run-replay", Status: store.RunSucceeded, StartedAt: at(2), FinishedAt: at(3), ReplayOf: r.ID, Summary: []byte(`{}`)}
	if err := s.PutRun(ctx, replay); err != nil {
		t.Fatalf("PutRun: %v", err)
	}
	if got, err = s.GetRun(ctx, replay.ID); err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	assertRun(t, got, replay)

	runs, err := s.ListRuns(ctx, 0)
	if err != nil {
		t.Fatalf("ListRuns: %v", err)
	}
	if len(runs) != 2 {
		t.Fatalf("ListRuns: %d runs, want 2 (a replaced run is not duplicated)", len(runs))
	}
}

func testGetRunNotFound(t *testing.T, s store.Store) {
	_, err := s.GetRun(context.Background(), "no-such-run")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRun of a missing run: %v, want an error wrapping store.ErrNotFound", err)
	}
}

func testListRuns(t *testing.T, s store.Store) {
	ctx := context.Background()
	if runs, err := s.ListRuns(ctx, 0); err != nil || len(runs) != 0 {
		t.Fatalf("ListRuns on an empty store = %v, %v", runs, err)
	}
	// Put out of order; IDs deliberately do not sort like start times.
	starts := map[string]int{"r-c": 3, "r-a": 5, "r-e": 1, "r-b": 4, "r-d": 2}
	for id, h := range starts {
		if err := s.PutRun(ctx, store.Run{ID: id, Status: store.RunSucceeded, StartedAt: at(h), FinishedAt: at(h + 1)}); err != nil {
			t.Fatalf("PutRun %s: %v", id, err)
		}
	}
	newestFirst := []string{"r-a", "r-b", "r-c", "r-d", "r-e"}
	for _, tc := range []struct {
		limit int
		want  []string
	}{
		{0, newestFirst},
		{1, newestFirst[:1]},
		{3, newestFirst[:3]},
		{5, newestFirst},
		{50, newestFirst},
	} {
		runs, err := s.ListRuns(ctx, tc.limit)
		if err != nil {
			t.Fatalf("ListRuns(%d): %v", tc.limit, err)
		}
		var got []string
		for _, r := range runs {
			got = append(got, r.ID)
			if !r.StartedAt.Equal(at(starts[r.ID])) {
				t.Errorf("run %s started_at %v, want %v", r.ID, r.StartedAt, at(starts[r.ID]))
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ListRuns(%d) = %v, want %v", tc.limit, got, tc.want)
		}
	}
}

func normalizeOutcomes(t *testing.T, os []store.ItemOutcome) string {
	t.Helper()
	// Through JSON, then compared as text: times in one zone and format,
	// nil and empty region lists the same.
	var v any
	if err := json.Unmarshal([]byte(mustJSON(t, os)), &v); err != nil {
		t.Fatal(err)
	}
	return mustJSON(t, v)
}

func testItemOutcomes(t *testing.T, s store.Store) {
	ctx := context.Background()
	const run = "run-1"
	bEC2 := store.ItemOutcome{
		AccountID: acctB, AccountName: "prod", ResourceType: inventory.EC2Instance, Status: store.ItemSucceeded,
		Resources: 42, StartedAt: at(0).Add(time.Second), DurationMS: 1500, APICalls: 17, Throttled: 0,
		Regions: []store.RegionResult{{Region: use1, Status: store.RegionOK, Resources: 40}, {Region: euw1, Status: store.RegionOK, Resources: 2}},
	}
	aS3 := store.ItemOutcome{
		AccountID: acctA, AccountName: "dev", ResourceType: inventory.S3Bucket, Status: store.ItemFailed,
		RoleName: "AWSInventoryRole", Department: "Engineering", RequestedRegions: []string{use1, euw1},
		Error: "AccessDenied: s3:ListAllMyBuckets", StartedAt: at(0), DurationMS: 20, APICalls: 1,
	}
	aEC2 := store.ItemOutcome{
		AccountID: acctA, AccountName: "dev", ResourceType: inventory.EC2Instance, Status: store.ItemPartial,
		Resources: 3, StartedAt: at(0), DurationMS: 30000, APICalls: 250, Throttled: 12,
		Regions: []store.RegionResult{
			{Region: use1, Status: store.RegionOK, Resources: 3},
			{Region: euw1, Status: store.RegionFailed, Reason: "RequestLimitExceeded after 5 retries"},
			{Region: aps1, Status: store.RegionSkipped, Reason: "region not opted in"},
		},
	}
	for _, o := range []store.ItemOutcome{bEC2, aS3, aEC2} {
		if err := s.PutItemOutcome(ctx, run, o); err != nil {
			t.Fatalf("PutItemOutcome: %v", err)
		}
	}
	other := aS3
	other.Status = store.ItemSucceeded
	if err := s.PutItemOutcome(ctx, "run-2", other); err != nil {
		t.Fatalf("PutItemOutcome: %v", err)
	}

	check := func(runID string, want []store.ItemOutcome) {
		t.Helper()
		got, err := s.ItemOutcomes(ctx, runID)
		if err != nil {
			t.Fatalf("ItemOutcomes(%s): %v", runID, err)
		}
		if g, w := normalizeOutcomes(t, got), normalizeOutcomes(t, want); g != w {
			t.Errorf("ItemOutcomes(%s):\n got %s\nwant %s", runID, g, w)
		}
		for i := range min(len(got), len(want)) {
			if got[i].StartedAt.Location() != time.UTC {
				t.Errorf("started_at location %v, want UTC", got[i].StartedAt.Location())
			}
		}
	}
	check(run, []store.ItemOutcome{aEC2, aS3, bEC2})
	check("run-2", []store.ItemOutcome{other})

	// A replay that succeeds replaces the failed item's outcome.
	aS3.Status = store.ItemSucceeded
	aS3.Error = ""
	aS3.Resources = 7
	if err := s.PutItemOutcome(ctx, run, aS3); err != nil {
		t.Fatalf("PutItemOutcome (replace): %v", err)
	}
	check(run, []store.ItemOutcome{aEC2, aS3, bEC2})

	got, err := s.ItemOutcomes(ctx, "no-such-run")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ItemOutcomes of an unknown run: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("ItemOutcomes of an unknown run: %d outcomes", len(got))
	}
}

func testLargeBatches(t *testing.T, s store.Store) {
	const total, batch = 5000, 500
	recs := make([]inventory.Record, total)
	for i := range recs {
		acct := []string{acctA, acctB, acctC}[i%3]
		region := []string{use1, euw1, aps1}[i%3]
		recs[i] = rec(acct, region, inventory.EC2Instance, fmt.Sprintf("i-%08d", i), at(1), "run-1")
		recs[i].Attributes["index"] = i
	}
	for start := 0; start < total; start += batch {
		put(t, s, recs[start:start+batch]...)
	}
	got := query(t, s, store.Filter{})
	if len(got) != total {
		t.Fatalf("got %d records, want %d", len(got), total)
	}
	want := slices.Clone(recs)
	inventory.SortRecords(want)
	for i := range want {
		if got[i].Key() != want[i].Key() {
			t.Fatalf("record %d is %s, want %s", i, got[i].Key(), want[i].Key())
		}
	}
	for _, i := range []int{0, 1, total / 2, total - 1} {
		assertRecord(t, got[i], stored(want[i], at(1)))
	}
}

func testConcurrentPuts(t *testing.T, s store.Store) {
	const writers, batches, perBatch = 8, 10, 50
	ctx := context.Background()
	shared := rec(acctA, use1, inventory.EC2Instance, "i-contended", at(0), "run-0")

	var wg sync.WaitGroup
	errs := make(chan error, writers+2)
	stop := make(chan struct{})
	// Readers run alongside the writers: queries must not fail or block
	// writes for good.
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Query(ctx, store.Filter{ResourceTypes: []string{inventory.EC2Instance}}); err != nil {
					errs <- fmt.Errorf("concurrent Query: %w", err)
					return
				}
			}
		})
	}
	var writersWG sync.WaitGroup
	for w := range writers {
		writersWG.Go(func() {
			for b := range batches {
				recs := make([]inventory.Record, 0, perBatch+1)
				for i := range perBatch {
					recs = append(recs, rec(acctB, use1, inventory.EC2Instance, fmt.Sprintf("i-w%d-b%d-%d", w, b, i), at(1), "run-1"))
				}
				// Every writer also updates one shared record, each
				// with its own time: the newest must win whatever the
				// interleaving.
				c := shared
				c.CollectedAt = at(1).Add(time.Duration(w*batches+b) * time.Second)
				c.Attributes = map[string]any{"writer": w, "batch": b}
				recs = append(recs, c)
				if err := s.PutRecords(ctx, recs); err != nil {
					errs <- fmt.Errorf("writer %d batch %d: %w", w, b, err)
					return
				}
			}
		})
	}
	writersWG.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	got := query(t, s, store.Filter{Accounts: []string{acctB}})
	if len(got) != writers*batches*perBatch {
		t.Errorf("got %d records, want %d", len(got), writers*batches*perBatch)
	}
	c := get(t, s, shared.Key())
	newest := at(1).Add(time.Duration(writers*batches-1) * time.Second)
	if !c.LastSeen.Equal(newest) || c.Attributes["writer"] != float64(writers-1) || c.Attributes["batch"] != float64(batches-1) {
		t.Errorf("contended record: last_seen %v attributes %v, want %v from writer %d batch %d", c.LastSeen, c.Attributes, newest, writers-1, batches-1)
	}
	// Which write arrived first is up to the scheduler; first_seen is one
	// of the writers' times.
	if c.FirstSeen.Before(at(1)) || c.FirstSeen.After(newest) {
		t.Errorf("contended record: first_seen %v, want between %v and %v", c.FirstSeen, at(1), newest)
	}
}

func testCancelledContext(t *testing.T, s store.Store) {
	earlier := []inventory.Record{
		rec(acctA, use1, inventory.EC2Instance, "i-1", at(1), "run-1"),
		rec(acctA, use1, inventory.EC2Instance, "i-2", at(1), "run-1"),
	}
	put(t, s, earlier...)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	later := rec(acctA, use1, inventory.EC2Instance, "i-3", at(2), "run-2")
	if err := s.PutRecords(ctx, []inventory.Record{later}); err == nil {
		t.Error("PutRecords with a cancelled context returned no error")
	}
	if n, err := s.MarkDeleted(ctx, store.Scope{AccountID: acctA, ResourceType: inventory.EC2Instance, Regions: []string{use1}}, "run-2", at(2)); err == nil {
		t.Errorf("MarkDeleted with a cancelled context returned no error (marked %d)", n)
	}
	if _, err := s.Query(ctx, store.Filter{}); err == nil {
		t.Error("Query with a cancelled context returned no error")
	}
	if err := s.PutRun(ctx, store.Run{ID: "run-2", Status: store.RunRunning, StartedAt: at(2)}); err == nil {
		t.Error("PutRun with a cancelled context returned no error")
	}

	// The earlier data is intact and the store still works.
	for _, r := range earlier {
		assertRecord(t, get(t, s, r.Key()), stored(r, at(1)))
	}
	put(t, s, later)
	assertRecord(t, get(t, s, later.Key()), stored(later, at(2)))
}

func testMarkDeletedAllRegions(t *testing.T, s store.Store) {
	s3 := inventory.S3Bucket
	use := rec(acctA, use1, s3, "bucket-use1", at(1), "run-1")
	eu := rec(acctA, euw1, s3, "bucket-euw1", at(1), "run-1")
	seen := rec(acctA, aps1, s3, "bucket-seen", at(2), "run-2")
	newer := rec(acctA, aps1, s3, "bucket-newer", at(5), "run-3") // a later, overlapping run
	other := rec(acctB, use1, s3, "bucket-b", at(1), "run-1")
	put(t, s, use, eu, seen, newer, other)
	if n := markDeleted(t, s, store.Scope{AccountID: acctA, ResourceType: s3}, "run-2", at(3)); n != 0 {
		t.Fatalf("a scope without regions marked %d, want 0", n)
	}
	if n := markDeleted(t, s, store.Scope{AccountID: acctA, ResourceType: s3, AllRegions: true}, "run-2", at(3)); n != 2 {
		t.Fatalf("AllRegions marked %d, want 2 (bucket-use1, bucket-euw1)", n)
	}
	if got := ids(query(t, s, store.Filter{ResourceTypes: []string{s3}})); !slices.Equal(sorted(got), []string{"bucket-b", "bucket-newer", "bucket-seen"}) {
		t.Fatalf("live buckets %v, want bucket-b, bucket-newer, bucket-seen", got)
	}
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func purge(t *testing.T, s store.Store, before time.Time) store.Purged {
	t.Helper()
	p, err := s.Purge(context.Background(), before)
	if err != nil {
		t.Fatalf("Purge(%v): %v", before, err)
	}
	return p
}

func testPurgeEmpty(t *testing.T, s store.Store) {
	if p := purge(t, s, at(100)); p != (store.Purged{}) {
		t.Errorf("Purge of an empty store = %+v, want zeros", p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if p, err := s.Purge(ctx, at(100)); err == nil {
		t.Errorf("Purge with a cancelled context returned no error (%+v)", p)
	}
}

func testPurge(t *testing.T, s store.Store) {
	ctx := context.Background()
	cutoff := at(3)

	// Records, each deleted (or not) in its own scope.
	old := rec(acctA, use1, inventory.EC2Instance, "i-old", at(0), "run-0")         // deleted before the cutoff
	edge := rec(acctA, use1, inventory.EBSVolume, "vol-edge", at(0), "run-0")       // deleted exactly at it
	recent := rec(acctA, use1, inventory.ElasticIP, "eip-recent", at(0), "run-0")   // deleted after it
	live := rec(acctA, use1, inventory.SecurityGroup, "sg-live", at(0), "run-0")    // never deleted, last seen long ago
	otherAcct := rec(acctB, use1, inventory.EC2Instance, "i-b-old", at(0), "run-0") // deleted before, other account
	put(t, s, old, edge, recent, live, otherAcct)
	for _, m := range []struct {
		acct, typ string
		when      time.Time
	}{
		{acctA, inventory.EC2Instance, at(1)},
		{acctA, inventory.EBSVolume, cutoff},
		{acctA, inventory.ElasticIP, at(5)},
		{acctB, inventory.EC2Instance, at(2)},
	} {
		if n := markDeleted(t, s, store.Scope{AccountID: m.acct, ResourceType: m.typ, Regions: []string{use1}}, "run-9", m.when); n != 1 {
			t.Fatalf("MarkDeleted %s/%s marked %d, want 1", m.acct, m.typ, n)
		}
	}

	// Runs: finished before the cutoff, exactly at it, after it, and one
	// that started long ago and never finished.
	runs := []store.Run{
		{ID: "run-old", Status: store.RunSucceeded, StartedAt: at(1), FinishedAt: at(2)},
		{ID: "run-edge", Status: store.RunSucceeded, StartedAt: at(2), FinishedAt: cutoff},
		{ID: "run-new", Status: store.RunPartial, StartedAt: at(2), FinishedAt: at(4)},
		{ID: "run-running", Status: store.RunRunning, StartedAt: at(0)},
	}
	outcomes := map[string]int{"run-old": 3, "run-edge": 1, "run-new": 2, "run-running": 1}
	for _, r := range runs {
		if err := s.PutRun(ctx, r); err != nil {
			t.Fatalf("PutRun %s: %v", r.ID, err)
		}
		for i := range outcomes[r.ID] {
			o := store.ItemOutcome{AccountID: acctA, ResourceType: []string{inventory.EC2Instance, inventory.S3Bucket, inventory.RDSInstance}[i],
				Status: store.ItemSucceeded, StartedAt: r.StartedAt}
			if err := s.PutItemOutcome(ctx, r.ID, o); err != nil {
				t.Fatalf("PutItemOutcome %s: %v", r.ID, err)
			}
		}
	}

	want := store.Purged{Records: 2, Runs: 1, ItemOutcomes: 3}
	if got := purge(t, s, cutoff); got != want {
		t.Errorf("Purge = %+v, want %+v", got, want)
	}
	if got := purge(t, s, cutoff); got != (store.Purged{}) {
		t.Errorf("second Purge with the same cutoff = %+v, want zeros", got)
	}

	remaining := query(t, s, store.Filter{IncludeDeleted: true})
	if got, want := sorted(ids(remaining)), []string{"eip-recent", "sg-live", "vol-edge"}; !slices.Equal(got, want) {
		t.Errorf("records after purge %v, want %v", got, want)
	}
	if _, err := s.GetRun(ctx, "run-old"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRun of a purged run: %v, want ErrNotFound", err)
	}
	if os, err := s.ItemOutcomes(ctx, "run-old"); err != nil && !errors.Is(err, store.ErrNotFound) || len(os) != 0 {
		t.Errorf("ItemOutcomes of a purged run = %d outcomes, %v; want none", len(os), err)
	}
	for _, r := range runs[1:] {
		if _, err := s.GetRun(ctx, r.ID); err != nil {
			t.Errorf("GetRun %s after purge: %v", r.ID, err)
		}
		if os, err := s.ItemOutcomes(ctx, r.ID); err != nil || len(os) != outcomes[r.ID] {
			t.Errorf("ItemOutcomes %s after purge = %d, %v; want %d", r.ID, len(os), err, outcomes[r.ID])
		}
	}
	listed, err := s.ListRuns(ctx, 0)
	if err != nil {
		t.Fatalf("ListRuns: %v", err)
	}
	var listedIDs []string
	for _, r := range listed {
		listedIDs = append(listedIDs, r.ID)
	}
	if want := []string{"run-edge", "run-new", "run-running"}; !slices.Equal(sorted(listedIDs), want) {
		t.Errorf("runs after purge %v, want %v", listedIDs, want)
	}

	// A later cutoff takes the rest that has expired, still not the live
	// record nor the unfinished run.
	if got, want := purge(t, s, at(10)), (store.Purged{Records: 2, Runs: 2, ItemOutcomes: 3}); got != want {
		t.Errorf("Purge(later) = %+v, want %+v", got, want)
	}
	if got := ids(query(t, s, store.Filter{IncludeDeleted: true})); !slices.Equal(got, []string{"sg-live"}) {
		t.Errorf("records after the later purge %v, want [sg-live]", got)
	}
	if _, err := s.GetRun(ctx, "run-running"); err != nil {
		t.Errorf("GetRun of the unfinished run after purge: %v", err)
	}
}

func testDocuments(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.GetDocument(ctx, "analysis/cost/latest"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing document: err = %v, want ErrNotFound", err)
	}
	d := store.Document{Key: "analysis/cost/latest", Body: []byte(`{"total":70.08}`), UpdatedAt: at(1)}
	if err := s.PutDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	d2 := store.Document{Key: "price/ec2/us-east-1/m5.large", Body: []byte(`0.096`), UpdatedAt: at(2)}
	if err := s.PutDocument(ctx, d2); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetDocument(ctx, d.Key)
	if err != nil || !bytes.Equal(got.Body, d.Body) || !got.UpdatedAt.Equal(d.UpdatedAt) || got.UpdatedAt.Location() != time.UTC {
		t.Fatalf("document = %+v, %v; want %+v", got, err, d)
	}
	// Replacing keeps one document under the key.
	d.Body, d.UpdatedAt = []byte(`{"total":1}`), at(3)
	if err := s.PutDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetDocument(ctx, d.Key); string(got.Body) != `{"total":1}` || !got.UpdatedAt.Equal(at(3)) {
		t.Fatalf("replaced document = %s at %v", got.Body, got.UpdatedAt)
	}
	if got, _ := s.GetDocument(ctx, d2.Key); string(got.Body) != "0.096" {
		t.Fatalf("other document = %s", got.Body)
	}
	big := store.Document{Key: "big", Body: make([]byte, store.MaxDocumentBytes+1), UpdatedAt: at(1)}
	if err := s.PutDocument(ctx, big); !errors.Is(err, store.ErrDocumentTooLarge) {
		t.Fatalf("oversized document: err = %v, want ErrDocumentTooLarge", err)
	}
	if err := s.PutDocument(ctx, store.Document{Body: []byte("x"), UpdatedAt: at(1)}); err == nil {
		t.Fatal("a document without a key was stored")
	}
	// Documents are not records: queries and runs do not see them.
	if recs, err := s.Query(ctx, store.Filter{}); err != nil || len(recs) != 0 {
		t.Fatalf("query after documents = %d records, %v", len(recs), err)
	}
	if runs, err := s.ListRuns(ctx, 0); err != nil || len(runs) != 0 {
		t.Fatalf("runs after documents = %d, %v", len(runs), err)
	}
}
