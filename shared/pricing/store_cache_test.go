package pricing

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/store/sqlite"
)

func TestStoreCacheKeepsBodyAndFetchTime(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "inventory.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := StoreCache{Store: st}
	if _, _, ok, err := c.Get(ctx, "ec2/us-east-1/m5.large"); ok || err != nil {
		t.Fatalf("empty cache: ok=%v err=%v", ok, err)
	}
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	if err := c.Put(ctx, "ec2/us-east-1/m5.large", []byte(`{"usd":0.096}`), at); err != nil {
		t.Fatal(err)
	}
	body, fetched, ok, err := c.Get(ctx, "ec2/us-east-1/m5.large")
	if !ok || err != nil || string(body) != `{"usd":0.096}` || !fetched.Equal(at) {
		t.Fatalf("cached = %s at %v (ok=%v, %v)", body, fetched, ok, err)
	}
}
