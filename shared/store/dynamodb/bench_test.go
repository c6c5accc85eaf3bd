package dynamodb

import (
	"testing"

	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/storetest"
)

// BenchmarkPutRecords measures upsert throughput (records/s) against
// dynalite in the collectors' batch sizes, from one goroutine and from
// eight at once (several collectors sharing a store). dynalite runs in one
// Node process on this machine, so these numbers bound the test suite's
// speed, not DynamoDB's: there, each UpdateItem takes a few milliseconds
// and Options.Concurrency of them run at once per store.
//
//	go test -run '^$' -bench BenchmarkPutRecords ./store/dynamodb
func BenchmarkPutRecords(b *testing.B) {
	storetest.BenchPutRecords(b, func(tb testing.TB) store.Store { return newTestStore(tb, Options{}) }, 8, 25)
}
