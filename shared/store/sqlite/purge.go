package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// Purge removes records deleted before `before` and runs finished before
// it, with their item outcomes, in one transaction. Times are stored as
// fixed-width text (timeLayout), so text comparison is time comparison.
func (s *Store) Purge(ctx context.Context, before time.Time) (p store.Purged, err error) {
	if err := s.writable(); err != nil {
		return p, err
	}
	if err := ctx.Err(); err != nil {
		return p, fmt.Errorf("purge %s: %w", s.path, err)
	}
	cut := formatTime(before)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return p, fmt.Errorf("purge %s: begin: %w", s.path, err)
	}
	defer func() {
		if err != nil {
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
				err = fmt.Errorf("%w (rollback: %v)", err, rerr)
			}
			p = store.Purged{}
		}
	}()
	exec := func(what, q string) (int, error) {
		res, err := tx.ExecContext(ctx, q, cut)
		if err != nil {
			return 0, fmt.Errorf("purge %s from %s: %w", what, s.path, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("purge %s from %s: %w", what, s.path, err)
		}
		return int(n), nil
	}
	if p.Records, err = exec("records", `DELETE FROM resources WHERE deleted_at IS NOT NULL AND deleted_at < ?`); err != nil {
		return p, err
	}
	if p.ItemOutcomes, err = exec("item outcomes", `DELETE FROM item_outcomes WHERE run_id IN
		(SELECT run_id FROM runs WHERE finished_at IS NOT NULL AND finished_at < ?)`); err != nil {
		return p, err
	}
	if p.Runs, err = exec("runs", `DELETE FROM runs WHERE finished_at IS NOT NULL AND finished_at < ?`); err != nil {
		return p, err
	}
	if err := tx.Commit(); err != nil {
		return p, fmt.Errorf("purge %s: commit: %w", s.path, err)
	}
	return p, nil
}
