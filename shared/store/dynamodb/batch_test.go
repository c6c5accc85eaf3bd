package dynamodb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// fakeBatchAPI answers BatchWriteItem like a throttled table: each item is
// returned as unprocessed the first `unprocessed` times it is sent. Other
// calls are not expected (the embedded nil API panics, failing the test).
type fakeBatchAPI struct {
	API
	unprocessed int   // times each item comes back unprocessed; <0 = always
	fail        error // returned by every call when set

	mu      sync.Mutex
	sent    map[string]int // item key → times sent
	written map[string]int // item key → times written
	calls   int
}

func (f *fakeBatchAPI) BatchWriteItem(_ context.Context, in *ddb.BatchWriteItemInput, _ ...func(*ddb.Options)) (*ddb.BatchWriteItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return nil, f.fail
	}
	if len(in.RequestItems) != 1 {
		return nil, fmt.Errorf("request for %d tables", len(in.RequestItems))
	}
	out := &ddb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}
	for table, reqs := range in.RequestItems {
		if len(reqs) > batchSize {
			return nil, fmt.Errorf("%d items in one call", len(reqs))
		}
		for _, r := range reqs {
			k := itemKey(r.PutRequest.Item)
			f.sent[k]++
			if f.unprocessed < 0 || f.sent[k] <= f.unprocessed {
				out.UnprocessedItems[table] = append(out.UnprocessedItems[table], r)
				continue
			}
			f.written[k]++
		}
	}
	return out, nil
}

func newFake(unprocessed int) *fakeBatchAPI {
	return &fakeBatchAPI{unprocessed: unprocessed, sent: map[string]int{}, written: map[string]int{}}
}

func puts(n int) []types.WriteRequest {
	out := make([]types.WriteRequest, n)
	for i := range out {
		out[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: key("RUN#r", fmt.Sprintf("ITEM#%03d", i))}}
	}
	return out
}

var fastBatches = Options{BatchAttempts: 5, BatchBackoff: time.Millisecond}

func TestBatchWriteRetriesUnprocessedItems(t *testing.T) {
	f := newFake(3) // every item comes back three times, then is written
	s := New(f, "tbl", fastBatches)
	n, err := s.batchWrite(context.Background(), puts(60))
	if err != nil || n != 60 {
		t.Fatalf("batchWrite = %d, %v; want 60, nil", n, err)
	}
	for k, w := range f.written {
		if w != 1 {
			t.Errorf("%s written %d times", k, w)
		}
	}
	if len(f.written) != 60 {
		t.Errorf("%d items written, want 60", len(f.written))
	}
	// 3 chunks (25, 25, 10) × 4 calls: only the unprocessed items are resent.
	if f.calls != 12 {
		t.Errorf("%d BatchWriteItem calls, want 12", f.calls)
	}
}

func TestBatchWriteReportsItemsNeverWritten(t *testing.T) {
	f := newFake(-1)
	s := New(f, "tbl", fastBatches)
	n, err := s.batchWrite(context.Background(), puts(30))
	if err == nil || n != 0 {
		t.Fatalf("batchWrite = %d, %v; want an error", n, err)
	}
	for _, want := range []string{"tbl", "30 of 30 items not written", "after 5 attempts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if f.calls != 2*5 {
		t.Errorf("%d calls, want 10 (2 chunks × 5 attempts)", f.calls)
	}
}

func TestBatchWriteCountsPartialSuccess(t *testing.T) {
	f := newFake(0)
	s := New(f, "tbl", fastBatches)
	reqs := puts(40)
	// The first 30 go through at once; the last 10 are held back forever.
	held := map[string]bool{}
	for _, r := range reqs[30:] {
		held[itemKey(r.PutRequest.Item)] = true
	}
	for k := range held {
		f.sent[k] = -1 << 30 // never reaches the "processed" threshold
	}
	n, err := s.batchWrite(context.Background(), reqs)
	if n != 30 || err == nil || !strings.Contains(err.Error(), "10 of 40 items not written") {
		t.Errorf("batchWrite = %d, %v; want 30 written and an error naming 10 of 40", n, err)
	}
}

func TestBatchWriteCallError(t *testing.T) {
	f := newFake(0)
	f.fail = errors.New("AccessDeniedException: no")
	s := New(f, "tbl", fastBatches)
	_, err := s.batchWrite(context.Background(), puts(3))
	if err == nil || !strings.Contains(err.Error(), "tbl") || !strings.Contains(err.Error(), "BatchWriteItem") || !errors.Is(err, f.fail) {
		t.Errorf("batchWrite with a failing call: %v", err)
	}
	if f.calls != 1 {
		t.Errorf("%d calls; a failed call is the SDK retryer's to retry, not batchWrite's", f.calls)
	}
}

func TestBatchWriteStopsOnCancel(t *testing.T) {
	f := newFake(-1)
	s := New(f, "tbl", Options{BatchAttempts: 100, BatchBackoff: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.batchWrite(ctx, puts(5)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("batchWrite after the deadline: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("batchWrite took %v after its context ended", d)
	}
}

func TestBackoffBounds(t *testing.T) {
	s := New(nil, "tbl", Options{BatchBackoff: 100 * time.Millisecond})
	for attempt := 1; attempt <= 30; attempt++ {
		ceiling := min(maxBatchBackoff, 100*time.Millisecond<<min(attempt-1, 20))
		for range 50 {
			if d := s.backoff(attempt); d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", attempt, d, ceiling)
			}
		}
	}
}
