// Package store defines the inventory store: resource records keyed by
// account/region/type/id with first/last seen times and deletion marks, and
// collection runs with their per-item outcomes. Backends (store/sqlite for
// local runs, store/dynamodb for the deployed pipeline) pass the same
// contract suite in store/storetest.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// ErrNotFound is returned when a run or record does not exist.
var ErrNotFound = errors.New("not found")

// ErrSchemaTooNew is returned when a database was written by a newer version
// of the tool; opening it read-write could corrupt it.
var ErrSchemaTooNew = errors.New("database schema is newer than this version of inventory supports")

// Store is what the pipeline and the CLI need from a backend.
type Store interface {
	// PutRecords upserts records (each with a full key and a non-zero
	// CollectedAt; the input's FirstSeen, LastSeen and DeletedAt are
	// ignored). Times keep at least microsecond precision and come back in
	// UTC. For each: first_seen is kept from the
	// stored record (or set to CollectedAt when new), last_seen becomes
	// CollectedAt, deleted_at is cleared. A record whose CollectedAt is older
	// than the stored one's is ignored, so a late or replayed batch of an
	// older run never overwrites newer data. Idempotent.
	PutRecords(ctx context.Context, recs []inventory.Record) error
	// Query returns the records matching f, ordered by account, region,
	// type, id. Deleted records are included only when f.IncludeDeleted.
	Query(ctx context.Context, f Filter) ([]inventory.Record, error)
	// MarkDeleted sets deleted_at=at on live records in the scope whose
	// run_id differs from runID (they were not seen by that run) and whose
	// last_seen is before at (a newer overlapping run's records stay), and
	// returns how many it marked.
	MarkDeleted(ctx context.Context, s Scope, runID string, at time.Time) (int, error)

	// PutRun creates or replaces a run's header.
	PutRun(ctx context.Context, r Run) error
	// GetRun returns a run, or ErrNotFound.
	GetRun(ctx context.Context, id string) (Run, error)
	// ListRuns returns runs newest first, at most limit (0 = all).
	ListRuns(ctx context.Context, limit int) ([]Run, error)
	// PutItemOutcome records (or replaces) the outcome of one work item of a run.
	PutItemOutcome(ctx context.Context, runID string, o ItemOutcome) error
	// ItemOutcomes returns a run's item outcomes ordered by account, type.
	ItemOutcomes(ctx context.Context, runID string) ([]ItemOutcome, error)

	// PutDocument creates or replaces a named document (the latest cost
	// analysis, cached prices). Bodies are at most MaxDocumentBytes.
	PutDocument(ctx context.Context, d Document) error
	// GetDocument returns a document, or an error wrapping ErrNotFound.
	GetDocument(ctx context.Context, key string) (Document, error)

	// Purge removes what the retention period has expired (the scheduled
	// cleanup job): records whose deleted_at is before `before`, and runs
	// whose finished_at is before it, with their item outcomes. Live
	// records (however old their last_seen) and unfinished runs are never
	// purged. It returns what it removed; a second call with the same
	// cutoff removes nothing.
	Purge(ctx context.Context, before time.Time) (Purged, error)

	Close() error
}

// Purged counts what Purge removed.
type Purged struct {
	Records      int `json:"records"`
	Runs         int `json:"runs"`
	ItemOutcomes int `json:"item_outcomes"`
}

// ItemOutcomeBatcher is implemented by backends that write many outcomes
// of a run in fewer calls than PutItemOutcome one at a time (DynamoDB:
// BatchWriteItem). Plan, which writes a pending outcome for every work
// item, uses it when the store has it. The effect is that of
// PutItemOutcome for each outcome in order.
type ItemOutcomeBatcher interface {
	PutItemOutcomes(ctx context.Context, runID string, outcomes []ItemOutcome) error
}

// Document is a named body the pipeline keeps beside the inventory: an
// analysis the CLI and the next run read, a price fetched from the Price
// List API with its age.
type Document struct {
	Key       string    `json:"key"`
	Body      []byte    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MaxDocumentBytes bounds a document body: a DynamoDB item holds 400 KB,
// key and attributes included.
const MaxDocumentBytes = 350 * 1024

// ErrDocumentTooLarge is returned for a body over MaxDocumentBytes.
var ErrDocumentTooLarge = errors.New("document body is larger than store.MaxDocumentBytes")

// Check reports why a document cannot be stored, or nil; both backends
// apply it before writing.
func (d Document) Check() error {
	switch {
	case d.Key == "":
		return errors.New("put document: key is required")
	case len(d.Body) > MaxDocumentBytes:
		return fmt.Errorf("put document %s: %d bytes: %w", d.Key, len(d.Body), ErrDocumentTooLarge)
	case d.UpdatedAt.IsZero():
		return fmt.Errorf("put document %s: updated_at is required", d.Key)
	}
	return nil
}

// Filter selects records. Empty fields match everything; list fields match
// any of their values.
type Filter struct {
	ResourceTypes []string
	Accounts      []string // account IDs
	Departments   []string
	Regions       []string
	// Tags must all match (key=value) on attributes.tags.
	Tags map[string]string
	// Since / Until bound last_seen (inclusive / exclusive); zero = unbounded.
	Since, Until   time.Time
	IncludeDeleted bool
}

// Scope is the part of the inventory one work item covers: one account, one
// resource type, some regions. No regions means nothing is covered (an item
// whose every region failed), unless AllRegions: a global collector (S3 lists
// every bucket of the account, whatever its region) covers them all.
type Scope struct {
	AccountID    string
	ResourceType string
	Regions      []string
	AllRegions   bool
}

// RunStatus values.
const (
	RunRunning   = "running"
	RunSucceeded = "succeeded" // every item succeeded
	RunPartial   = "partial"   // some items failed; see replay input
	RunFailed    = "failed"    // the run itself failed (planning, store)
	RunCancelled = "cancelled"
)

// Run is one collection run.
type Run struct {
	ID         string    `json:"run_id"`
	Status     string    `json:"status"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// ReplayOf is the run whose failed items this run re-collects.
	ReplayOf string `json:"replay_of,omitempty"`
	// Summary is the Aggregate stage's output, stored as JSON.
	Summary []byte `json:"summary,omitempty"`
}

// Item outcome statuses.
const (
	// ItemPending is written by Plan for every item, so an item that never
	// ran (cancelled run, lost Map child) is still known and replayable.
	ItemPending   = "pending"
	ItemSucceeded = "succeeded"
	ItemPartial   = "partial" // some regions failed
	ItemFailed    = "failed"
)

// ItemOutcome is the result of collecting one work item (account × type).
type ItemOutcome struct {
	AccountID    string `json:"account_id"`
	AccountName  string `json:"account_name"`
	ResourceType string `json:"resource_type"`
	// RoleName, Department and RequestedRegions repeat the work item, so a
	// replay input can be rebuilt from outcomes alone.
	RoleName         string         `json:"role_name,omitempty"`
	Department       string         `json:"department,omitempty"`
	RequestedRegions []string       `json:"requested_regions,omitempty"`
	Status           string         `json:"status"`
	Resources        int            `json:"resources"`
	Error            string         `json:"error,omitempty"`
	Regions          []RegionResult `json:"regions,omitempty"`
	StartedAt        time.Time      `json:"started_at"`
	DurationMS       int64          `json:"duration_ms"`
	APICalls         int64          `json:"api_calls"`
	Throttled        int64          `json:"throttled"`
}

// Region outcome statuses.
const (
	RegionOK      = "ok"
	RegionFailed  = "failed"
	RegionSkipped = "skipped" // not opted in, excluded; not an error
)

// RegionResult is one region's part of an item.
type RegionResult struct {
	Region    string `json:"region"`
	Status    string `json:"status"`
	Resources int    `json:"resources"`
	Reason    string `json:"reason,omitempty"`
}
