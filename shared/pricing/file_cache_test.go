package pricing

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFileCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "prices") // created on first Put
	c, ctx := NewFileCache(dir), context.Background()
	if _, _, ok, err := c.Get(ctx, "v1/ec2/us-east-1/m5.large"); ok || err != nil {
		t.Fatalf("empty cache: ok=%v err=%v", ok, err)
	}
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	for key, body := range map[string]string{
		"v1/ec2/us-east-1/m5.large": `{"usd":0.096}`,
		"v1/odd key":                "not json \x00",
	} {
		if err := c.Put(ctx, key, []byte(body), at); err != nil {
			t.Fatalf("Put %s: %v", key, err)
		}
		got, fetched, ok, err := c.Get(ctx, key)
		if !ok || err != nil || string(got) != body || !fetched.Equal(at) {
			t.Errorf("Get %s = %q %v %v %v", key, got, fetched, ok, err)
		}
	}
	// Overwrite in place; no temporary files left behind.
	c.Put(ctx, "v1/ec2/us-east-1/m5.large", []byte(`{"usd":0.09}`), at.Add(time.Hour))
	if got, _, _, _ := c.Get(ctx, "v1/ec2/us-east-1/m5.large"); string(got) != `{"usd":0.09}` {
		t.Errorf("after overwrite: %s", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("cache dir holds %d files, want 2", len(entries))
	}
	// A corrupt file is a miss, not an error that stops pricing.
	os.WriteFile(c.path("v1/ec2/us-east-1/m5.large"), []byte("{trunc"), 0o644)
	if _, _, ok, err := c.Get(ctx, "v1/ec2/us-east-1/m5.large"); ok || err != nil {
		t.Errorf("corrupt entry: ok=%v err=%v", ok, err)
	}
}

// A bad persistent entry (readable file, meaningless body) is ignored and
// the price fetched again.
func TestAPIIgnoresBadCacheEntry(t *testing.T) {
	fake, client := newFakePriceList(t, ec2Product("us-east-1", "m5.large", "0.096"))
	c := NewFileCache(t.TempDir())
	c.Put(context.Background(), ec2Query("us-east-1", "m5.large").key, []byte(`{}`), fetchDay)
	q, err := newAPI(client, c, nil).EC2Hourly(context.Background(), "us-east-1", "m5.large")
	if err != nil || !near(q.USD, 0.096) || fake.calls() != 1 {
		t.Errorf("bad entry: %+v, %v, calls %d", q, err, fake.calls())
	}
}
