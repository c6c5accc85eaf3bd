package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// timeLayout is RFC 3339 in UTC with a fixed nine-digit fraction. Go's
// RFC3339Nano drops trailing zeros, which breaks text ordering
// ("…:05Z" sorts after "…:05.5Z"); a fixed width keeps text order equal to
// time order, so since/until filters and the last_seen index work on text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad stored time %q: %w", s, err)
	}
	return t, nil
}

// upsertColumns is the number of parameters bound per record.
const upsertColumns = 15

// upsertChunk is how many records one INSERT statement writes. Multi-row
// statements amortize the driver's per-statement cost (bind, step, reset,
// database/sql bookkeeping), which otherwise rivals SQLite's own work;
// 64 × 15 parameters stays far below SQLite's 32766-variable limit.
const upsertChunk = 64

// upsertSQL returns the statement that writes n records. The WHERE on the
// update makes an older CollectedAt a no-op, so a late or replayed batch
// never overwrites newer data, and an equal one rewrites the row (idempotent
// re-puts, and the cost stage re-putting a run's records with prices added).
// SQLite applies the rows of one statement in order, so a key that appears
// twice in a batch ends with its newest version.
func upsertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO resources (
	account_id, region, resource_type, resource_id, arn, account_name, department,
	collected_at, first_seen, last_seen, attributes, tags,
	estimated_monthly_cost, cost_basis, run_id, deleted_at
) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		// Anonymous parameters: the driver looks up every parameter's name
		// when binding, and for numbered ones (?NNN) that lookup is a
		// linear scan, quadratic in a statement of many rows.
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)")
	}
	b.WriteString(`
ON CONFLICT (account_id, region, resource_type, resource_id) DO UPDATE SET
	arn                    = excluded.arn,
	account_name           = excluded.account_name,
	department             = excluded.department,
	collected_at           = excluded.collected_at,
	first_seen             = MIN(resources.first_seen, excluded.first_seen),
	last_seen              = excluded.last_seen,
	attributes             = excluded.attributes,
	tags                   = excluded.tags,
	estimated_monthly_cost = excluded.estimated_monthly_cost,
	cost_basis             = excluded.cost_basis,
	run_id                 = excluded.run_id,
	deleted_at             = NULL
WHERE excluded.collected_at >= resources.collected_at`)
	return b.String()
}

// PutRecords upserts recs. The batch is stored whole or, on error, not at
// all. Concurrent calls are committed together by the store's writer (see
// writer.go), so many goroutines writing small batches cost few commits.
func (s *Store) PutRecords(ctx context.Context, recs []inventory.Record) error {
	if err := s.writable(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put records: %w", err)
	}
	if len(recs) == 0 {
		return nil
	}
	// Validate and encode here, on the caller's goroutine: it is a large
	// part of the CPU work and runs in parallel instead of inside the single
	// writer, and a batch that reaches the writer cannot fail on its own.
	req := &writeReq{ctx: ctx, n: len(recs), done: make(chan error, 1)}
	req.args = make([]any, 0, len(recs)*upsertColumns)
	for i := range recs {
		var err error
		if req.args, err = appendRecordArgs(req.args, &recs[i]); err != nil {
			return fmt.Errorf("put records: %s: %w", recs[i].Key(), err)
		}
	}
	return s.submit(ctx, req)
}

// appendRecordArgs appends r's upsert parameters to args.
func appendRecordArgs(args []any, r *inventory.Record) ([]any, error) {
	switch {
	case r.AccountID == "", r.Region == "", r.ResourceType == "", r.ResourceID == "":
		return args, errors.New("account_id, region, resource_type and resource_id are all required")
	case r.CollectedAt.IsZero():
		return args, errors.New("collected_at is required")
	}
	var cost any // nil binds NULL: not priced yet, unlike a price of 0
	if c := r.EstimatedMonthlyCost; c != nil {
		// SQLite stores NaN as NULL, which would read back as "not priced".
		if math.IsNaN(*c) || math.IsInf(*c, 0) {
			return args, fmt.Errorf("estimated_monthly_cost %v is not a number", *c)
		}
		cost = *c
	}
	attrsJSON, err := json.Marshal(r.Attributes)
	if err != nil {
		return args, fmt.Errorf("encode attributes: %w", err)
	}
	attrs := string(attrsJSON)
	tags := r.Tags()
	if tags == nil {
		tags = map[string]string{}
	}
	tagBytes, err := json.Marshal(tags)
	if err != nil {
		return args, fmt.Errorf("encode tags: %w", err)
	}
	tagsJSON := string(tagBytes)
	// A new record is first and last seen when it was collected; the upsert
	// keeps an existing first_seen.
	at := formatTime(r.CollectedAt)
	return append(args,
		r.AccountID, r.Region, r.ResourceType, r.ResourceID, r.ARN, r.AccountName, r.Department,
		at, at, at, attrs, tagsJSON, cost, r.CostBasis, r.RunID,
	), nil
}

const selectColumns = `account_id, region, resource_type, resource_id, arn, account_name, department,
	collected_at, first_seen, last_seen, attributes, estimated_monthly_cost, cost_basis, run_id, deleted_at`

// Query returns the records matching f, ordered by account, region, type and
// id (the primary key's order, so SQLite need not sort).
func (s *Store) Query(ctx context.Context, f store.Filter) ([]inventory.Record, error) {
	var where []string
	var args []any
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where = append(where, col+" IN ("+placeholders(len(vals))+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("resource_type", f.ResourceTypes)
	in("account_id", f.Accounts)
	in("department", f.Departments)
	in("region", f.Regions)
	// json_each compares keys as data, so tag keys with quotes, dots or
	// colons ("aws:cloudformation:stack-name") need no JSON-path escaping.
	// Keys are sorted so equal filters give equal SQL text.
	keys := make([]string, 0, len(f.Tags))
	for k := range f.Tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		where = append(where, "EXISTS (SELECT 1 FROM json_each(resources.tags) AS t WHERE t.key = ? AND t.type = 'text' AND t.value = ?)")
		args = append(args, k, f.Tags[k])
	}
	if !f.Since.IsZero() {
		where = append(where, "last_seen >= ?")
		args = append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		where = append(where, "last_seen < ?")
		args = append(args, formatTime(f.Until))
	}
	if !f.IncludeDeleted {
		where = append(where, "deleted_at IS NULL")
	}

	q := "SELECT " + selectColumns + " FROM resources"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY account_id, region, resource_type, resource_id"

	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", s.path, err)
	}
	defer rows.Close()
	out := []inventory.Record{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", s.path, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query %s: %w", s.path, err)
	}
	return out, nil
}

func scanRecord(rows *sql.Rows) (inventory.Record, error) {
	var (
		r                            inventory.Record
		collected, first, last, attr string
		cost                         sql.NullFloat64
		deleted                      sql.NullString
	)
	if err := rows.Scan(&r.AccountID, &r.Region, &r.ResourceType, &r.ResourceID, &r.ARN, &r.AccountName, &r.Department,
		&collected, &first, &last, &attr, &cost, &r.CostBasis, &r.RunID, &deleted); err != nil {
		return r, err
	}
	var err error
	if r.CollectedAt, err = parseTime(collected); err != nil {
		return r, fmt.Errorf("%s: collected_at: %w", r.Key(), err)
	}
	if r.FirstSeen, err = parseTime(first); err != nil {
		return r, fmt.Errorf("%s: first_seen: %w", r.Key(), err)
	}
	if r.LastSeen, err = parseTime(last); err != nil {
		return r, fmt.Errorf("%s: last_seen: %w", r.Key(), err)
	}
	if err := json.Unmarshal([]byte(attr), &r.Attributes); err != nil {
		return r, fmt.Errorf("%s: attributes: %w", r.Key(), err)
	}
	if cost.Valid {
		c := cost.Float64
		r.EstimatedMonthlyCost = &c
	}
	if deleted.Valid {
		d, err := parseTime(deleted.String)
		if err != nil {
			return r, fmt.Errorf("%s: deleted_at: %w", r.Key(), err)
		}
		r.DeletedAt = &d
	}
	return r, nil
}

// MarkDeleted sets deleted_at on the live records of the scope that runID did
// not write. A scope without regions (and not AllRegions) marks nothing: a
// work item whose every region failed has seen nothing, and must not delete
// the account's records.
func (s *Store) MarkDeleted(ctx context.Context, sc store.Scope, runID string, at time.Time) (int, error) {
	if err := s.writable(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("mark deleted: %w", err)
	}
	if len(sc.Regions) == 0 && !sc.AllRegions {
		return 0, nil
	}
	args := []any{formatTime(at), sc.AccountID, sc.ResourceType}
	regionClause := ""
	if !sc.AllRegions {
		regionClause = " AND region IN (" + placeholders(len(sc.Regions)) + ")"
		for _, r := range sc.Regions {
			args = append(args, r)
		}
	}
	args = append(args, runID, formatTime(at))
	// last_seen < at: a record a newer, overlapping run wrote after this run
	// finished collecting is not this run's to delete.
	res, err := s.w.ExecContext(ctx, `UPDATE resources SET deleted_at = ?
		WHERE account_id = ? AND resource_type = ?`+regionClause+`
		AND deleted_at IS NULL AND run_id <> ? AND last_seen < ?`, args...)
	if err != nil {
		return 0, fmt.Errorf("mark deleted in %s (account %s, %s): %w", s.path, sc.AccountID, sc.ResourceType, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("mark deleted in %s: %w", s.path, err)
	}
	return int(n), nil
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
