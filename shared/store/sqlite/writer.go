package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
)

// The store has one writer goroutine for records. PutRecords calls queue
// their encoded batches; the writer takes every batch waiting at that moment
// and commits them in one transaction (group commit). A commit costs about as
// much as writing 25 records (WAL frames for the touched index pages, and
// checkpoints), so with the collector's many goroutines each putting small
// batches, grouping is what keeps throughput up. A caller returns only when
// its batch is committed or definitely not written.

// maxGroupRecords bounds one group transaction, and so the latency a batch
// can add to the ones grouped with it.
const maxGroupRecords = 4096

// Request states: the writer and a caller whose context ends race to move a
// request out of reqPending; whoever wins decides whether it is written.
const (
	reqPending int32 = iota
	reqTaken
	reqAbandoned
)

// writeReq is one PutRecords batch waiting for the writer.
type writeReq struct {
	ctx   context.Context
	n     int   // records
	args  []any // n × upsertColumns upsert parameters
	state atomic.Int32
	done  chan error // buffered: the writer never waits for an abandoned caller
}

var errClosed = errors.New("store is closed")

// submit hands req to the writer and waits for its outcome.
func (s *Store) submit(ctx context.Context, req *writeReq) error {
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		return fmt.Errorf("put records: %w", ctx.Err())
	case <-s.quit:
		return fmt.Errorf("put records into %s: %w", s.path, errClosed)
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		if req.state.CompareAndSwap(reqPending, reqAbandoned) {
			return fmt.Errorf("put records: %w", ctx.Err())
		}
		// The writer already took the batch; its transaction is short, and
		// only its outcome says whether the records were stored.
		return <-req.done
	}
}

// writeLoop runs until Close.
func (s *Store) writeLoop() {
	defer close(s.writerDone)
	for {
		var group []*writeReq
		select {
		case r := <-s.reqs:
			group = append(group, r)
		case <-s.quit:
			return
		}
		n := group[0].n
	drain:
		for n < maxGroupRecords {
			select {
			case r := <-s.reqs:
				group = append(group, r)
				n += r.n
			default:
				break drain
			}
		}
		s.writeGroup(group)
	}
}

// writeGroup commits the requests of group that are still wanted in one
// transaction. Batches were validated before they were queued, so the group
// can only fail for reasons that would fail each batch on its own (disk
// full, I/O errors, another process holding the lock too long); every batch
// of the group then gets the error, and none is stored.
func (s *Store) writeGroup(group []*writeReq) {
	var (
		taken []*writeReq
		args  []any
		n     int
	)
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			if r.state.CompareAndSwap(reqPending, reqAbandoned) {
				r.done <- fmt.Errorf("put records: %w", err)
			}
			continue
		}
		if !r.state.CompareAndSwap(reqPending, reqTaken) {
			continue // the caller gave up and has returned
		}
		taken = append(taken, r)
		args = append(args, r.args...)
		n += r.n
	}
	if len(taken) == 0 {
		return
	}
	err := s.upsertAll(args, n)
	for _, r := range taken {
		r.done <- err
	}
	if err == nil {
		s.sinceCheckpoint += n
		if s.sinceCheckpoint >= checkpointEvery {
			s.sinceCheckpoint = 0
			select {
			case s.checkpoint <- struct{}{}:
			default: // one is running; it will cover these pages too
			}
		}
	}
}

// checkpointEvery is how many written records trigger a background WAL
// checkpoint: about a thousand WAL pages, SQLite's own default threshold.
const checkpointEvery = 1000

// checkpointLoop copies the WAL into the database file on its own
// connection, so the writer does not stop to do it inside its commits (a
// fifth of its time otherwise). PASSIVE never blocks the writer or readers.
// The write connection keeps a high automatic threshold as a safety net.
func (s *Store) checkpointLoop() {
	defer close(s.checkpointDone)
	for range s.checkpoint {
		if _, err := s.ck.Exec("PRAGMA wal_checkpoint(PASSIVE)"); err != nil && s.checkpointErr == nil {
			s.checkpointErr = fmt.Errorf("checkpoint %s: %w", s.path, err)
		}
	}
}

// upsertAll writes n encoded records in one transaction. It runs on the
// writer goroutine only, which owns s.upserts.
func (s *Store) upsertAll(args []any, n int) (err error) {
	// Not the callers' contexts: a group serves several callers, and a
	// caller that gives up after its batch was taken still gets the true
	// outcome. The transaction is short; waits for another process's lock
	// are bounded by busy_timeout.
	ctx := context.Background()

	// Statements are prepared before the transaction starts: preparing
	// needs the write connection, which the transaction holds.
	full, err := s.upsertStmt(ctx, upsertChunk)
	if err != nil {
		return fmt.Errorf("put records into %s: prepare: %w", s.path, err)
	}
	tail := full
	if rest := n % upsertChunk; rest != 0 {
		if tail, err = s.upsertStmt(ctx, rest); err != nil {
			return fmt.Errorf("put records into %s: prepare: %w", s.path, err)
		}
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("put records into %s: begin: %w", s.path, err)
	}
	defer func() {
		if err != nil {
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
				err = fmt.Errorf("%w (rollback: %v)", err, rerr)
			}
		}
	}()
	for start := 0; start < n; start += upsertChunk {
		size, st := upsertChunk, full
		if start+size > n {
			size, st = n-start, tail
		}
		chunk := args[start*upsertColumns : (start+size)*upsertColumns]
		if _, err := tx.StmtContext(ctx, st).ExecContext(ctx, chunk...); err != nil {
			return fmt.Errorf("put records into %s: %w", s.path, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("put records into %s: commit: %w", s.path, err)
	}
	return nil
}

// upsertStmt returns the prepared statement writing n records, preparing it
// on the write connection the first time a group needs that size.
func (s *Store) upsertStmt(ctx context.Context, n int) (*sql.Stmt, error) {
	if st, ok := s.upserts[n]; ok {
		return st, nil
	}
	st, err := s.w.PrepareContext(ctx, upsertSQL(n))
	if err != nil {
		return nil, err
	}
	s.upserts[n] = st
	return st, nil
}
