package pricing

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A waiter whose own context is fine gets a real answer even when the
// first caller gave up mid-flight.
func TestMemoRetriesAfterCanceledLeader(t *testing.T) {
	var m memo[int]
	var runs atomic.Int32
	leaderCtx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		m.do(leaderCtx, "k", func() (int, error) {
			runs.Add(1)
			close(started)
			<-leaderCtx.Done()
			return 0, leaderCtx.Err()
		})
	})
	<-started
	var got int
	var err error
	wg.Go(func() {
		got, err = m.do(context.Background(), "k", func() (int, error) { runs.Add(1); return 42, nil })
	})
	time.Sleep(10 * time.Millisecond) // let the waiter queue behind the leader
	cancel()
	wg.Wait()
	if got != 42 || err != nil || runs.Load() != 2 {
		t.Errorf("waiter got %d, %v after %d runs; want 42 after 2", got, err, runs.Load())
	}
	if v, _ := m.do(context.Background(), "k", func() (int, error) { return -1, nil }); v != 42 {
		t.Errorf("remembered %d, want 42", v)
	}
}
