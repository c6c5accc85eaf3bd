package blob

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirRoundTripWritesReadableFilesUnderRootBucketKey(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, err := NewDir(root, "work")
	if err != nil {
		t.Fatal(err)
	}
	if d.Bucket() != "work" {
		t.Fatalf("Bucket() = %q", d.Bucket())
	}
	key := "runs/run-1/items.json"
	if err := d.Put(ctx, key, []byte(`[1]`), "application/json"); err != nil {
		t.Fatal(err)
	}
	// Overwrite: the second write wins and leaves no temporary files behind.
	if err := d.Put(ctx, key, []byte(`[1,2]`), "application/json"); err != nil {
		t.Fatal(err)
	}
	got, err := d.Get(ctx, key)
	if err != nil || string(got) != `[1,2]` {
		t.Fatalf("Get = %q, %v", got, err)
	}
	path := filepath.Join(root, "work", "runs", "run-1", "items.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v, want 0644", fi.Mode().Perm())
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm()&0o755 != 0o755 {
		t.Errorf("dir mode %v, want 0755", di.Mode().Perm())
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only items.json (temporary files left?)", len(entries))
	}
	if p, _ := d.Path(key); p != path {
		t.Errorf("Path = %q, want %q", p, path)
	}
}

func TestDirGetMissingIsErrNotFoundNamingBucketAndKey(t *testing.T) {
	d, err := NewDir(t.TempDir(), "reports")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := d.Put(ctx, "reports/a/b.json", []byte("{}"), ""); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"reports/missing.json", "reports/a"} {
		_, err = d.Get(ctx, key)
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get(%q) = %v, want ErrNotFound", key, err)
		}
		if !strings.Contains(err.Error(), "s3://reports/"+key) {
			t.Errorf("error %q does not name the bucket and key", err)
		}
	}
}

func TestKeysThatCouldEscapeOrAliasAreRejected(t *testing.T) {
	root := t.TempDir()
	d, err := NewDir(filepath.Join(root, "store"), "b")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct{ key, want string }{
		{"", "empty key"},
		{"/etc/passwd", "absolute"},
		{"../escape", `".." segments`},
		{"a/../../escape", `".." segments`},
		{"a/./b", `"." segments`},
		{"a//b", "empty path segment"},
		{"a/", "empty path segment"},
		{`a\b`, `contains "\"`},
		{"a\nb", "control character"},
		{strings.Repeat("k", 1025), "longer than 1024 bytes"},
	} {
		err := d.Put(ctx, tc.key, []byte("x"), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Put(%.20q) = %v, want an error containing %q", tc.key, err, tc.want)
		}
		if _, err := d.Get(ctx, tc.key); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%.20q) = %v, want a key error", tc.key, err)
		}
	}
	// Nothing was written anywhere, inside the store or beside it.
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("rejected keys left %d entries under the temp dir", len(entries))
	}
}

func TestNewDirRejectsBucketsThatAreNotOneDirectoryName(t *testing.T) {
	for _, b := range []string{"", ".", "..", "a/b", `a\b`} {
		if _, err := NewDir(t.TempDir(), b); err == nil {
			t.Errorf("NewDir(bucket %q) succeeded", b)
		}
	}
	if _, err := NewDir("", "b"); err == nil {
		t.Error("NewDir with an empty root succeeded")
	}
}
