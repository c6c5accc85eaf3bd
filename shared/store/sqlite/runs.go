package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// PutRun creates or replaces a run's header.
func (s *Store) PutRun(ctx context.Context, r store.Run) error {
	if err := s.writable(); err != nil {
		return err
	}
	if r.ID == "" {
		return errors.New("put run: run_id is required")
	}
	var finished any // NULL while the run is running
	if !r.FinishedAt.IsZero() {
		finished = formatTime(r.FinishedAt)
	}
	var summary any // NULL, not an empty blob, so nil reads back as nil
	if r.Summary != nil {
		summary = r.Summary
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO runs (run_id, status, started_at, finished_at, replay_of, summary)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (run_id) DO UPDATE SET
			status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at,
			replay_of = excluded.replay_of, summary = excluded.summary`,
		r.ID, r.Status, formatTime(r.StartedAt), finished, r.ReplayOf, summary)
	if err != nil {
		return fmt.Errorf("put run %s into %s: %w", r.ID, s.path, err)
	}
	return nil
}

const runColumns = `run_id, status, started_at, finished_at, replay_of, summary`

// GetRun returns a run, or an error wrapping store.ErrNotFound.
func (s *Store) GetRun(ctx context.Context, id string) (store.Run, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE run_id = ?`, id)
	r, err := scanRun(row)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Run{}, fmt.Errorf("run %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("get run %s from %s: %w", id, s.path, err)
	}
	return r, nil
}

// ListRuns returns runs newest first (by start time), at most limit of them;
// limit <= 0 means all.
func (s *Store) ListRuns(ctx context.Context, limit int) ([]store.Run, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+runColumns+` FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs in %s: %w", s.path, err)
	}
	defer rows.Close()
	out := []store.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs in %s: %w", s.path, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs in %s: %w", s.path, err)
	}
	return out, nil
}

func scanRun(row interface{ Scan(...any) error }) (store.Run, error) {
	var (
		r        store.Run
		started  string
		finished sql.NullString
	)
	if err := row.Scan(&r.ID, &r.Status, &started, &finished, &r.ReplayOf, &r.Summary); err != nil {
		return r, err
	}
	var err error
	if r.StartedAt, err = parseTime(started); err != nil {
		return r, fmt.Errorf("run %s: started_at: %w", r.ID, err)
	}
	if finished.Valid {
		if r.FinishedAt, err = parseTime(finished.String); err != nil {
			return r, fmt.Errorf("run %s: finished_at: %w", r.ID, err)
		}
	}
	return r, nil
}

// PutItemOutcome records, or replaces, the outcome of one work item of a run.
func (s *Store) PutItemOutcome(ctx context.Context, runID string, o store.ItemOutcome) error {
	if err := s.writable(); err != nil {
		return err
	}
	if runID == "" || o.AccountID == "" || o.ResourceType == "" {
		return errors.New("put item outcome: run_id, account_id and resource_type are required")
	}
	regions, err := json.Marshal(o.Regions)
	if err != nil {
		return fmt.Errorf("put item outcome %s/%s/%s: encode regions: %w", runID, o.AccountID, o.ResourceType, err)
	}
	requested, err := json.Marshal(o.RequestedRegions)
	if err != nil {
		return fmt.Errorf("put item outcome %s/%s/%s: encode requested regions: %w", runID, o.AccountID, o.ResourceType, err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT OR REPLACE INTO item_outcomes (
			run_id, account_id, resource_type, account_name, role_name, department, requested_regions,
			status, resources, error, regions, started_at, duration_ms, api_calls, throttled
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		runID, o.AccountID, o.ResourceType, o.AccountName, o.RoleName, o.Department, string(requested),
		o.Status, o.Resources, o.Error, string(regions),
		formatTime(o.StartedAt), o.DurationMS, o.APICalls, o.Throttled)
	if err != nil {
		return fmt.Errorf("put item outcome %s/%s/%s into %s: %w", runID, o.AccountID, o.ResourceType, s.path, err)
	}
	return nil
}

// ItemOutcomes returns a run's item outcomes ordered by account and type; a
// run without outcomes (or an unknown run) gives an empty list.
func (s *Store) ItemOutcomes(ctx context.Context, runID string) ([]store.ItemOutcome, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT account_id, resource_type, account_name, role_name, department, requested_regions,
			status, resources, error, regions,
			started_at, duration_ms, api_calls, throttled
		FROM item_outcomes WHERE run_id = ? ORDER BY account_id, resource_type`, runID)
	if err != nil {
		return nil, fmt.Errorf("item outcomes of run %s in %s: %w", runID, s.path, err)
	}
	defer rows.Close()
	out := []store.ItemOutcome{}
	for rows.Next() {
		var (
			o                           store.ItemOutcome
			regions, started, requested string
		)
		if err := rows.Scan(&o.AccountID, &o.ResourceType, &o.AccountName, &o.RoleName, &o.Department, &requested, &o.Status, &o.Resources, &o.Error, &regions,
			&started, &o.DurationMS, &o.APICalls, &o.Throttled); err != nil {
			return nil, fmt.Errorf("item outcomes of run %s in %s: %w", runID, s.path, err)
		}
		if err := json.Unmarshal([]byte(regions), &o.Regions); err != nil {
			return nil, fmt.Errorf("item outcome %s/%s/%s: regions: %w", runID, o.AccountID, o.ResourceType, err)
		}
		if err := json.Unmarshal([]byte(requested), &o.RequestedRegions); err != nil {
			return nil, fmt.Errorf("item outcome %s/%s/%s: requested regions: %w", runID, o.AccountID, o.ResourceType, err)
		}
		if o.StartedAt, err = parseTime(started); err != nil {
			return nil, fmt.Errorf("item outcome %s/%s/%s: started_at: %w", runID, o.AccountID, o.ResourceType, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("item outcomes of run %s in %s: %w", runID, s.path, err)
	}
	return out, nil
}
