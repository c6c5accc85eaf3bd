package dynamodb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// batchSize is BatchWriteItem's limit of items per call.
const batchSize = 25

// batchWrite sends reqs (puts or deletes, no key twice) in BatchWriteItem
// calls of 25, several at once, and returns how many were written.
// BatchWriteItem writes unconditionally, so it serves only writes that are
// right whatever is stored: item outcomes (replaced whole anyway) and
// deletes of finished runs.
//
// DynamoDB may accept a call yet leave some items unprocessed (their
// partition was throttled); those are sent again after a backoff, up to
// Options.BatchAttempts calls per chunk. Throttling of whole calls is the
// SDK retryer's job, before a call returns.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) (int, error) {
	chunks := (len(reqs) + batchSize - 1) / batchSize
	var written, unwritten atomic.Int64
	err := s.forEach(ctx, chunks, func(ctx context.Context, c int) error {
		chunk := reqs[c*batchSize : min((c+1)*batchSize, len(reqs))]
		left, err := s.writeChunk(ctx, chunk)
		written.Add(int64(len(chunk) - left))
		unwritten.Add(int64(left))
		return err
	})
	if err != nil {
		return int(written.Load()), fmt.Errorf("batch write to %s: %w", s.table, err)
	}
	if n := unwritten.Load(); n > 0 {
		return int(written.Load()), fmt.Errorf("batch write to %s: %d of %d items not written: DynamoDB still returned them as unprocessed after %d attempts per batch (the table or a partition is throttled; run again later)",
			s.table, n, len(reqs), s.opts.BatchAttempts)
	}
	return int(written.Load()), nil
}

// writeChunk writes up to 25 requests, resending unprocessed ones, and
// returns how many are still unwritten when it gives up.
func (s *Store) writeChunk(ctx context.Context, pending []types.WriteRequest) (int, error) {
	for attempt := 1; ; attempt++ {
		out, err := s.api.BatchWriteItem(ctx, &ddb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{s.table: pending},
		})
		if err != nil {
			return len(pending), fmt.Errorf("BatchWriteItem (%d items, attempt %d): %w", len(pending), attempt, err)
		}
		pending = out.UnprocessedItems[s.table]
		if len(pending) == 0 {
			return 0, nil
		}
		if attempt >= s.opts.BatchAttempts {
			return len(pending), nil
		}
		if err := sleep(ctx, s.backoff(attempt)); err != nil {
			return len(pending), fmt.Errorf("BatchWriteItem: waiting to resend %d unprocessed items: %w", len(pending), err)
		}
	}
}

// backoff is the wait before resending after the attempt-th call:
// exponential with full jitter, so that the chunks throttled together do
// not all come back at the same instant.
func (s *Store) backoff(attempt int) time.Duration {
	ceiling := min(maxBatchBackoff, s.opts.BatchBackoff<<min(attempt-1, 20))
	return rand.N(ceiling + 1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// PutItemOutcomes records, or replaces, many outcomes of a run with
// BatchWriteItem: Plan writes a pending outcome for every work item of a
// run (thousands in a large organization), and one PutItem each would
// take a Lambda minutes. It implements store.ItemOutcomeBatcher. A work
// item given twice keeps its last outcome.
func (s *Store) PutItemOutcomes(ctx context.Context, runID string, os []store.ItemOutcome) error {
	if runID == "" {
		return fmt.Errorf("put item outcomes: run_id is required")
	}
	last := map[[2]string]int{}
	for i, o := range os {
		last[[2]string{o.AccountID, o.ResourceType}] = i
	}
	reqs := make([]types.WriteRequest, 0, len(last))
	for i, o := range os {
		if last[[2]string{o.AccountID, o.ResourceType}] != i {
			continue
		}
		item, err := encodeOutcome(runID, o)
		if err != nil {
			return fmt.Errorf("put item outcome %s/%s/%s into %s: %w", runID, o.AccountID, o.ResourceType, s.table, err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	if _, err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("put %d item outcomes of run %s: %w", len(reqs), runID, err)
	}
	return nil
}

// Purge removes the records deleted before `before` and the runs that
// finished before it, with their item outcomes.
//
// Records of deleted resources normally leave through TTL (expires_at);
// Purge finds the ones TTL has not removed yet (TTL deletes within days of
// expiry, not at once, and the job's cutoff may be sooner) with a scan that
// returns only their keys, and deletes each with a condition that it is
// still deleted before the cutoff, so a resource that reappeared in the
// meantime is kept. Runs are found in the by_type index (by start time: a
// run cannot finish before it starts); their outcomes are deleted before
// their headers, so an interrupted purge leaves headers that the next one
// finds again, never outcomes without a header.
func (s *Store) Purge(ctx context.Context, before time.Time) (store.Purged, error) {
	var p store.Purged
	if err := ctx.Err(); err != nil {
		return p, fmt.Errorf("purge %s: %w", s.table, err)
	}
	if err := checkTime("before", before); err != nil {
		return p, fmt.Errorf("purge %s: %w", s.table, err)
	}
	cut := formatTime(before)

	n, err := s.purgeRecords(ctx, cut)
	p.Records = n
	if err != nil {
		return p, fmt.Errorf("purge records deleted before %s from %s: %w", cut, s.table, err)
	}
	p.Runs, p.ItemOutcomes, err = s.purgeRuns(ctx, before, cut)
	if err != nil {
		return p, fmt.Errorf("purge runs finished before %s from %s: %w", cut, s.table, err)
	}
	return p, nil
}

func (s *Store) purgeRecords(ctx context.Context, cut string) (int, error) {
	in := s.recordScan(aws.String("#deleted_at < :before"), aws.String("#pk, #sk"))
	in.ExpressionAttributeNames["#sk"] = SortKey
	in.ExpressionAttributeNames["#deleted_at"] = attrDeletedAt
	in.ExpressionAttributeValues[":before"] = avS(cut)
	var (
		mu   sync.Mutex
		keys []map[string]types.AttributeValue
	)
	err := s.scan(ctx, in, func(items []map[string]types.AttributeValue) error {
		mu.Lock()
		keys = append(keys, items...)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return 0, err
	}
	var deleted atomic.Int64
	err = s.forEach(ctx, len(keys), func(ctx context.Context, i int) error {
		_, err := s.api.DeleteItem(ctx, &ddb.DeleteItemInput{
			TableName:                 aws.String(s.table),
			Key:                       keys[i],
			ConditionExpression:       aws.String("#deleted_at < :before"),
			ExpressionAttributeNames:  map[string]string{"#deleted_at": attrDeletedAt},
			ExpressionAttributeValues: map[string]types.AttributeValue{":before": avS(cut)},
		})
		switch {
		case err == nil:
			deleted.Add(1)
		case !isConditionFailed(err): // failed: seen again since the scan
			return fmt.Errorf("DeleteItem %s: %w", itemKey(keys[i]), err)
		}
		return nil
	})
	return int(deleted.Load()), err
}

func (s *Store) purgeRuns(ctx context.Context, before time.Time, cut string) (runs, outcomes int, err error) {
	in := s.partitionQuery(ByType.Name, ByType.PartitionKey, runsIndexValue)
	in.KeyConditionExpression = aws.String("#k = :k AND #sort < :before")
	in.ExpressionAttributeNames["#sort"] = ByType.SortKey
	in.ExpressionAttributeValues[":before"] = avS(cut)
	var ids []string
	err = s.query(ctx, in, func(items []map[string]types.AttributeValue) error {
		for _, it := range items {
			r, err := decodeRun(it)
			if err != nil {
				return err
			}
			if !r.FinishedAt.IsZero() && r.FinishedAt.Before(before) {
				ids = append(ids, r.ID)
			}
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return 0, 0, err
	}

	var (
		mu      sync.Mutex
		deletes []types.WriteRequest
	)
	err = s.forEach(ctx, len(ids), func(ctx context.Context, i int) error {
		q := s.outcomesQuery(ids[i], "#k, #sk")
		return s.query(ctx, q, func(items []map[string]types.AttributeValue) error {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range items {
				deletes = append(deletes, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}})
			}
			return nil
		})
	})
	if err != nil {
		return 0, 0, err
	}
	if outcomes, err = s.batchWrite(ctx, deletes); err != nil {
		return 0, outcomes, err
	}
	headers := make([]types.WriteRequest, len(ids))
	for i, id := range ids {
		headers[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(runPK(id), runHeaderSK)}}
	}
	runs, err = s.batchWrite(ctx, headers)
	return runs, outcomes, err
}
