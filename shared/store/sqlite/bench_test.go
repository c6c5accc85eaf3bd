package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/storetest"
)

// BenchmarkPutRecords measures upsert throughput (records/s) in the batch
// sizes the collectors use, from one goroutine and from 64 at once (the
// local runner's collector concurrency).
//
//	go test -run '^$' -bench BenchmarkPutRecords ./store/sqlite
func BenchmarkPutRecords(b *testing.B) {
	storetest.BenchPutRecords(b, func(tb testing.TB) store.Store {
		s, err := Open(context.Background(), filepath.Join(tb.TempDir(), "bench.db"))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() {
			if err := s.Close(); err != nil {
				tb.Error(err)
			}
		})
		return s
	}, 64, 25, 500)
}
