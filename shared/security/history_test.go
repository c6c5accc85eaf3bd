package security

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// memDocs is an in-memory document store with the store's size limit.
type memDocs struct {
	mu   sync.Mutex
	docs map[string]store.Document
	puts int
}

func newMemDocs() *memDocs { return &memDocs{docs: map[string]store.Document{}} }

func (s *memDocs) GetDocument(_ context.Context, key string) (store.Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[key]
	if !ok {
		return store.Document{Key: key}, fmt.Errorf("document %s: %w", key, store.ErrNotFound)
	}
	return d, nil
}

func (s *memDocs) PutDocument(_ context.Context, d store.Document) error {
	if err := d.Check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[d.Key] = d
	s.puts++
	return nil
}

// evaluation runs one Security stage pass: evaluate, load, apply, save.
func evaluation(t *testing.T, st DocumentStore, recs []inventory.Record, when time.Time, run string) Changes {
	t.Helper()
	ctx := context.Background()
	rep := EvaluateWith(recs, Options{Now: when})
	h, err := LoadHistory(ctx, st, rep.Accounts())
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Warnings) > 0 {
		t.Fatalf("warnings: %v", h.Warnings)
	}
	ch := h.Apply(rep, when, run)
	if err := h.Save(ctx, st, when); err != nil {
		t.Fatal(err)
	}
	return ch
}

func ids[T any](xs []T, id func(T) string) string {
	var out []string
	for _, x := range xs {
		out = append(out, id(x))
	}
	return strings.Join(out, ",")
}

func findingIDs(fs []Finding) string {
	return ids(fs, func(f Finding) string { return f.CheckID + ":" + f.ResourceID })
}

func resolvedIDs(fs []ResolvedFinding) string {
	return ids(fs, func(f ResolvedFinding) string { return f.CheckID + ":" + f.ResourceID })
}

// inventoryWith builds a small inventory: a database (public or not), an
// unencrypted volume and a bucket without access logging.
func inventoryWith(dbPublic bool) []inventory.Record {
	return []inventory.Record{
		recID(inventory.RDSInstance, "db", m{"encrypted": true, "publicly_accessible": dbPublic, "backup_retention_days": 7,
			"deletion_protection": true, "auto_minor_version_upgrade": true}),
		recID(inventory.EBSVolume, "vol", m{"encrypted": false}),
		recID(inventory.S3Bucket, "bucket", with(pabOn, "encryption", "aws:kms", "policy_is_public", false, "versioning", "Enabled",
			"mfa_delete", "Enabled", "logging_enabled", false, "lifecycle_rules", 1)),
	}
}

func TestSecondRunWithOneFixResolvesExactlyThatAndAlertsOnNothingOld(t *testing.T) {
	st := newMemDocs()
	t1, t2, t3 := now, now.Add(24*time.Hour), now.Add(48*time.Hour)

	first := evaluation(t, st, inventoryWith(true), t1, "run-1")
	if got := findingIDs(first.New); got != "rds-instance-not-public:db,ebs-volume-encrypted:vol,s3-bucket-access-logging:bucket" {
		t.Fatalf("first run new = %s", got)
	}
	if got := findingIDs(first.NewHigh); got != "rds-instance-not-public:db,ebs-volume-encrypted:vol" {
		t.Fatalf("first run new high = %s", got)
	}
	if first.Open != 3 || first.PreviousOpen != 0 || len(first.Resolved) != 0 {
		t.Fatalf("first run = %+v", first)
	}

	// The database is made private: exactly that finding resolves, and
	// nothing alerts (the volume was alerted on in the first run).
	second := evaluation(t, st, inventoryWith(false), t2, "run-2")
	if got := resolvedIDs(second.Resolved); got != "rds-instance-not-public:db" {
		t.Fatalf("second run resolved = %s, want exactly the fixed database", got)
	}
	if len(second.New) != 0 || len(second.NewHigh) != 0 || second.Open != 2 || second.PreviousOpen != 3 {
		t.Fatalf("second run = %+v, want nothing new and 2 still open", second)
	}
	r := second.Resolved[0]
	if !r.FirstSeen.Equal(t1) || !r.ResolvedAt.Equal(t2) || r.ResourceType != inventory.RDSInstance || r.Severity != Critical {
		t.Fatalf("resolved = %+v", r)
	}

	// It is made public again: new again, and alerted again.
	third := evaluation(t, st, inventoryWith(true), t3, "run-3")
	if got := findingIDs(third.New); got != "rds-instance-not-public:db" {
		t.Fatalf("third run new = %s, want the reappearing finding", got)
	}
	if got := findingIDs(third.NewHigh); got != "rds-instance-not-public:db" {
		t.Fatalf("third run new high = %s", got)
	}

	h, err := LoadHistory(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := h.Accounts[acct].Findings["rds-instance-not-public/"+acct+"/us-east-1/db"]
	if db.Status != StateOpen || !db.FirstSeen.Equal(t3) || db.FirstRun != "run-3" || db.Resolved != nil || !db.Alerted.Equal(t3) {
		t.Fatalf("reappeared finding state = %+v", db)
	}
	vol := h.Accounts[acct].Findings["ebs-volume-encrypted/"+acct+"/us-east-1/vol"]
	if !vol.FirstSeen.Equal(t1) || !vol.LastSeen.Equal(t3) || !vol.Alerted.Equal(t1) {
		t.Fatalf("still-open finding state = %+v", vol)
	}
	if len(h.Index.Evaluations) != 3 || h.Index.Evaluations[1].Resolved != 1 || h.Index.RunID != "run-3" {
		t.Fatalf("index = %+v", h.Index)
	}
}

func TestUndecidableFindingsStayOpenAndGoneResourcesResolve(t *testing.T) {
	st := newMemDocs()
	evaluation(t, st, inventoryWith(false), now, "run-1")

	// The volume's encryption cannot be read: the finding stays open.
	recs := inventoryWith(false)
	recs[1].Attributes = m{}
	ch := evaluation(t, st, recs, now.Add(time.Hour), "run-2")
	if len(ch.Resolved) != 0 || len(ch.New) != 0 || ch.Open != 2 {
		t.Fatalf("undecidable run = %+v, want nothing resolved", ch)
	}
	h, _ := LoadHistory(context.Background(), st, nil)
	if s := h.Accounts[acct].Findings["ebs-volume-encrypted/"+acct+"/us-east-1/vol"]; s.Undecided == nil || s.Status != StateOpen {
		t.Fatalf("undecided finding = %+v", s)
	}

	// The volume is deleted (its record marked deleted): resolved.
	gone := now.Add(2 * time.Hour)
	recs = inventoryWith(false)
	recs[1].DeletedAt = &gone
	ch = evaluation(t, st, recs, gone, "run-3")
	if got := resolvedIDs(ch.Resolved); got != "ebs-volume-encrypted:vol" {
		t.Fatalf("resolved = %s, want the deleted volume's finding", got)
	}

	// Resolved findings are forgotten after the retention period.
	later := gone.Add(ResolvedRetention + time.Hour)
	evaluation(t, st, inventoryWith(false), later, "run-4")
	h, _ = LoadHistory(context.Background(), st, nil)
	if _, ok := h.Accounts[acct].Findings["ebs-volume-encrypted/"+acct+"/us-east-1/vol"]; !ok {
		// The volume is back in this inventory: it is open again.
		t.Fatal("the volume's finding should be open again")
	}
	if len(h.Accounts[acct].Findings) != 2 {
		t.Fatalf("findings = %v", h.Accounts[acct].Findings)
	}
}

func TestResolvedFindingsAreForgottenAfterRetention(t *testing.T) {
	st := newMemDocs()
	evaluation(t, st, inventoryWith(true), now, "run-1")
	evaluation(t, st, inventoryWith(false), now.Add(time.Hour), "run-2")
	evaluation(t, st, inventoryWith(false), now.Add(time.Hour+ResolvedRetention+time.Minute), "run-3")
	h, _ := LoadHistory(context.Background(), st, nil)
	if _, ok := h.Accounts[acct].Findings["rds-instance-not-public/"+acct+"/us-east-1/db"]; ok {
		t.Fatal("a finding resolved longer ago than the retention is still kept")
	}
}

// An account with more findings than a document holds is paged, and reads
// back whole; every document stays under the store's limit.
func TestLargeAccountHistoryIsPagedUnderTheDocumentLimit(t *testing.T) {
	st := newMemDocs()
	var recs []inventory.Record
	for i := 0; i < 3000; i++ {
		recs = append(recs, recID(inventory.EBSVolume, fmt.Sprintf("vol-%04d-%s", i, strings.Repeat("x", 40)), m{"encrypted": false}),
			recID(inventory.EBSSnapshot, fmt.Sprintf("snap-%04d-%s", i, strings.Repeat("y", 40)), m{"encrypted": false, "public": false}))
	}
	ch := evaluation(t, st, recs, now, "run-1")
	if len(ch.New) != 6000 {
		t.Fatalf("new = %d", len(ch.New))
	}
	pages := 0
	for k, d := range st.docs {
		if strings.HasPrefix(k, HistoryDocument+"/"+acct) {
			pages++
		}
		if len(d.Body) > store.MaxDocumentBytes {
			t.Fatalf("%s is %d bytes", k, len(d.Body))
		}
	}
	if pages < 2 {
		t.Fatalf("%d documents for the account, want it paged", pages)
	}
	ch = evaluation(t, st, recs, now.Add(time.Hour), "run-2")
	if len(ch.New) != 0 || len(ch.NewHigh) != 0 || ch.Open != 6000 {
		t.Fatalf("second run new %d, new high %d, open %d: the paged history was not read back whole", len(ch.New), len(ch.NewHigh), ch.Open)
	}
	// Fewer findings later: one document again, the stale pages ignored.
	ch = evaluation(t, st, recs[:2], now.Add(2*time.Hour), "run-3")
	if ch.Open != 2 || len(ch.Resolved) != 5998 {
		t.Fatalf("third run open %d resolved %d", ch.Open, len(ch.Resolved))
	}
	h, err := LoadHistory(context.Background(), st, nil)
	if err != nil || len(h.Accounts[acct].Findings) != 6000 {
		t.Fatalf("history after shrinking: %d findings (%v)", len(h.Accounts[acct].Findings), err)
	}
}

func TestUnreadableHistoryDocumentStartsOver(t *testing.T) {
	st := newMemDocs()
	evaluation(t, st, inventoryWith(true), now, "run-1")
	st.docs[HistoryDocument+"/"+acct] = store.Document{Key: HistoryDocument + "/" + acct, Body: []byte("{"), UpdatedAt: now}
	h, err := LoadHistory(context.Background(), st, []string{acct})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Warnings) != 1 || len(h.Accounts[acct].Findings) != 0 {
		t.Fatalf("warnings %v, findings %d", h.Warnings, len(h.Accounts[acct].Findings))
	}
}

func TestFindingIDsParse(t *testing.T) {
	id := FindingID("s3-bucket-versioning", inventory.Key{AccountID: acct, Region: "eu-west-1", ResourceType: inventory.S3Bucket, ResourceID: "a/b"})
	c, a, r, res, ok := ParseFindingID(id)
	if !ok || c != "s3-bucket-versioning" || a != acct || r != "eu-west-1" || res != "a/b" {
		t.Fatalf("%s parsed as %s %s %s %s", id, c, a, r, res)
	}
}

func TestHistoryIsEmptyWithoutDocuments(t *testing.T) {
	h, err := LoadHistory(context.Background(), newMemDocs(), []string{acct})
	if err != nil || h.Found || len(h.Accounts[acct].Findings) != 0 {
		t.Fatalf("history %+v (%v)", h, err)
	}
}
