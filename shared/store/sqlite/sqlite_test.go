package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openTemp(t)
	})
}

// openTemp opens a new database in a temporary directory; the caller closes it.
func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "inventory.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

var t0 = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func record(id string, collected time.Time) inventory.Record {
	return inventory.Record{
		ResourceType: inventory.EC2Instance, ResourceID: id, AccountID: "111111111111", AccountName: "prod",
		Department: "platform", Region: "us-east-1", CollectedAt: collected, RunID: "run-1",
		Attributes: map[string]any{"name": id, "tags": map[string]string{"Env": "prod"}},
	}
}

func mustPut(t *testing.T, s store.Store, recs ...inventory.Record) {
	t.Helper()
	if err := s.PutRecords(context.Background(), recs); err != nil {
		t.Fatalf("PutRecords: %v", err)
	}
}

func mustQuery(t *testing.T, s store.Store, f store.Filter) []inventory.Record {
	t.Helper()
	got, err := s.Query(context.Background(), f)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	return got
}

func mustClose(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// snapshot is the content of every file in dir, to prove a failed open
// changed nothing (no WAL switch, no -wal/-shm left behind).
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func assertUnchanged(t *testing.T, dir string, before map[string][]byte) {
	t.Helper()
	after := snapshot(t, dir)
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			t.Errorf("%s was removed", name)
		case !bytes.Equal(a, b):
			t.Errorf("%s changed (%d bytes before, %d after)", name, len(b), len(a))
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s was created", name)
		}
	}
}

// rawExec runs statements on a plain driver connection, as another tool or a
// newer inventory would.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestOpenRefusesNewerSchemaAndLeavesFileUntouched(t *testing.T) {
	tests := []struct {
		name   string
		create func(t *testing.T, path string)
	}{
		{"our WAL file bumped by a newer version", func(t *testing.T, path string) {
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			mustPut(t, s, record("i-1", t0))
			mustClose(t, s)
			rawExec(t, path, "PRAGMA user_version = 99")
		}},
		{"rollback-journal file of a newer version", func(t *testing.T, path string) {
			rawExec(t, path, "CREATE TABLE future (x)", "INSERT INTO future VALUES (1)", "PRAGMA user_version = 99")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "inventory.db")
			tc.create(t, path)
			before := snapshot(t, dir)

			for name, open := range map[string]func(context.Context, string) (*Store, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
				s, err := open(context.Background(), path)
				if err == nil {
					mustClose(t, s)
					t.Fatalf("%s of a schema-99 database succeeded", name)
				}
				if !errors.Is(err, store.ErrSchemaTooNew) {
					t.Errorf("%s: %v, want an error wrapping store.ErrSchemaTooNew", name, err)
				}
				msg := err.Error()
				for _, want := range []string{path, "schema version 99", fmt.Sprintf("up to %d", schemaVersion)} {
					if !strings.Contains(msg, want) {
						t.Errorf("%s error %q does not mention %q", name, msg, want)
					}
				}
			}
			assertUnchanged(t, dir, before)
		})
	}
}

func TestOpenErrorsNameThePathAndTheProblem(t *testing.T) {
	dir := t.TempDir()
	notADB := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(notADB, []byte("these are my notes, not a database\n"+strings.Repeat("x", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want string  // in the message
		is   []error // errors.Is targets
		skip string  // reason to skip, if any
	}{
		{"directory does not exist", filepath.Join(dir, "missing", "inventory.db"), "directory " + filepath.Join(dir, "missing") + " does not exist", []error{fs.ErrNotExist}, ""},
		{"path is a directory", dir, "is a directory", nil, ""},
		{"parent is a file", filepath.Join(aFile, "inventory.db"), "is not a directory", nil, ""},
		{"not a database", notADB, "not an SQLite database", nil, ""},
		{"read-only system directory", "/sys/inventory.db", "not writable", nil, skipUnlessDir("/sys")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip(tc.skip)
			}
			before := snapshot(t, dir)
			s, err := Open(context.Background(), tc.path)
			if err == nil {
				mustClose(t, s)
				t.Fatalf("Open(%s) succeeded", tc.path)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "open inventory database "+tc.path+": ") || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q, want it to name %s and say %q", msg, tc.path, tc.want)
			}
			for _, target := range tc.is {
				if !errors.Is(err, target) {
					t.Errorf("error %q does not wrap %v", msg, target)
				}
			}
			assertUnchanged(t, dir, before)
		})
	}
}

func skipUnlessDir(dir string) string {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || runtime.GOOS != "linux" {
		return dir + " is not a Linux read-only directory here"
	}
	return ""
}

func TestOpenErrorsOnUnwritablePaths(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file permissions")
	}
	t.Run("directory not writable", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Error(err)
			}
		})
		path := filepath.Join(dir, "inventory.db")
		_, err := Open(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("Open in a read-only directory: %v", err)
		}
	})
	t.Run("directory not writable, file is", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "inventory.db")
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		mustPut(t, s, record("i-1", t0))
		mustClose(t, s)
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Error(err)
			}
		})
		_, err = Open(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), "cannot write in directory "+dir) {
			t.Errorf("Open in a read-only directory: %v", err)
		}
		// Queries still work: no writer can be running there.
		r, err := OpenReadOnly(context.Background(), path)
		if err != nil {
			t.Fatalf("OpenReadOnly in a read-only directory: %v", err)
		}
		defer mustClose(t, r)
		if got := mustQuery(t, r, store.Filter{}); len(got) != 1 {
			t.Errorf("read %d records, want 1", len(got))
		}
	})
	t.Run("file not writable", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "inventory.db")
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		mustClose(t, s)
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		_, err = Open(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("Open of a read-only file: %v", err)
		}
		// Queries still work on it.
		r, err := OpenReadOnly(context.Background(), path)
		if err != nil {
			t.Fatalf("OpenReadOnly of a read-only file: %v", err)
		}
		mustClose(t, r)
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "inventory.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	cost := 3.5
	r1 := record("i-1", t0)
	r1.EstimatedMonthlyCost = &cost
	mustPut(t, s, r1, record("i-2", t0))
	if _, err := s.MarkDeleted(ctx, store.Scope{AccountID: "111111111111", ResourceType: inventory.EC2Instance, Regions: []string{"us-east-1"}}, "run-2", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	run := store.Run{ID: "run-1", Status: store.RunSucceeded, StartedAt: t0, FinishedAt: t0.Add(time.Minute), Summary: []byte(`{"n":2}`)}
	if err := s.PutRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	want := mustQuery(t, s, store.Filter{IncludeDeleted: true})
	mustClose(t, s)

	for name, open := range map[string]func(context.Context, string) (*Store, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
		t.Run(name, func(t *testing.T) {
			s, err := open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer mustClose(t, s)
			got := mustQuery(t, s, store.Filter{IncludeDeleted: true})
			if len(got) != 2 || !slices.EqualFunc(got, want, func(a, b inventory.Record) bool {
				return a.Key() == b.Key() && a.DeletedAt != nil && b.DeletedAt != nil && a.DeletedAt.Equal(*b.DeletedAt) &&
					a.FirstSeen.Equal(b.FirstSeen) && (a.EstimatedMonthlyCost == nil) == (b.EstimatedMonthlyCost == nil)
			}) {
				t.Errorf("after reopen: %+v, want %+v", got, want)
			}
			gotRun, err := s.GetRun(ctx, "run-1")
			if err != nil || gotRun.Status != run.Status || !gotRun.FinishedAt.Equal(run.FinishedAt) || string(gotRun.Summary) != string(run.Summary) {
				t.Errorf("GetRun after reopen = %+v, %v", gotRun, err)
			}
		})
	}
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	t.Run("missing file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "inventory.db")
		_, err := OpenReadOnly(ctx, path)
		want := "no inventory database at " + path + "; run `inventory collect` first"
		if err == nil || err.Error() != want {
			t.Errorf("OpenReadOnly of a missing file: %v, want %q", err, want)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error does not wrap fs.ErrNotExist: %v", err)
		}
		assertUnchanged(t, dir, map[string][]byte{})
	})
	t.Run("missing directory", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope", "inventory.db")
		if _, err := OpenReadOnly(ctx, path); err == nil || !strings.HasPrefix(err.Error(), "no inventory database at "+path) {
			t.Errorf("OpenReadOnly in a missing directory: %v", err)
		}
	})
	t.Run("SQLite file that is not an inventory", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "other.db")
		rawExec(t, path, "CREATE TABLE t (x)")
		before := snapshot(t, dir)
		if _, err := OpenReadOnly(ctx, path); err == nil || !strings.Contains(err.Error(), "holds no inventory") {
			t.Errorf("OpenReadOnly of a foreign database: %v", err)
		}
		assertUnchanged(t, dir, before)
	})
	t.Run("writes fail, reads see a concurrent writer", func(t *testing.T) {
		w := openTemp(t)
		defer mustClose(t, w)
		mustPut(t, w, record("i-1", t0))

		r, err := OpenReadOnly(ctx, w.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer mustClose(t, r)
		if got := mustQuery(t, r, store.Filter{}); len(got) != 1 {
			t.Fatalf("reader sees %d records, want 1", len(got))
		}
		mustPut(t, w, record("i-2", t0))
		if got := mustQuery(t, r, store.Filter{}); len(got) != 2 {
			t.Errorf("reader sees %d records after a second write, want 2", len(got))
		}

		for name, err := range map[string]error{
			"PutRecords":     r.PutRecords(ctx, []inventory.Record{record("i-3", t0)}),
			"PutRun":         r.PutRun(ctx, store.Run{ID: "x", StartedAt: t0}),
			"PutItemOutcome": r.PutItemOutcome(ctx, "x", store.ItemOutcome{AccountID: "1", ResourceType: "t"}),
		} {
			if err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Errorf("%s on a read-only store: %v", name, err)
			}
		}
		if _, err := r.MarkDeleted(ctx, store.Scope{AccountID: "111111111111", ResourceType: inventory.EC2Instance, Regions: []string{"us-east-1"}}, "run-9", t0); err == nil {
			t.Error("MarkDeleted on a read-only store succeeded")
		}
		if _, err := r.Purge(ctx, t0.Add(time.Hour)); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("Purge on a read-only store: %v", err)
		}
	})
}

func TestPathIsAbsoluteAndSpecialCharactersWork(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	const name = "my inventory?v=1#x%41.db"
	s, err := Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, record("i-1", t0))
	mustClose(t, s)
	// EvalSymlinks: the temp dir may sit behind a symlink (macOS /var).
	want := filepath.Join(dir, name)
	if got := s.Path(); got != want {
		if g, _ := filepath.EvalSymlinks(got); g != want {
			w, _ := filepath.EvalSymlinks(want)
			if g != w {
				t.Errorf("Path() = %q, want %q", got, want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Errorf("database not created under its exact name: %v", err)
	}
	r, err := OpenReadOnly(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, r)
	if got := mustQuery(t, r, store.Filter{}); len(got) != 1 {
		t.Errorf("reopened %d records, want 1", len(got))
	}
}

func TestPutRecordsCancelledWhileQueuedWritesNothing(t *testing.T) {
	s := openTemp(t)
	defer mustClose(t, s)
	ctx := context.Background()
	mustPut(t, s, record("i-keep", t0))

	// Hold the only write connection, so that the writer blocks on the
	// first batch and the second waits in the queue.
	hold, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { first <- s.PutRecords(ctx, []inventory.Record{record("i-first", t0)}) }()
	// Wait until the writer has taken the first batch and waits for the
	// connection; from then on it receives nothing, and the second batch
	// stays queued.
	for s.w.Stats().WaitCount == 0 {
		time.Sleep(time.Millisecond)
	}

	cctx, cancel := context.WithCancel(ctx)
	second := make(chan error, 1)
	go func() {
		second <- s.PutRecords(cctx, []inventory.Record{record("i-keep", t0.Add(time.Hour)), record("i-second", t0)})
	}()
	time.Sleep(20 * time.Millisecond) // let it reach the queue
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled PutRecords = %v, want context.Canceled", err)
	}
	if err := hold.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-first; err != nil {
		t.Errorf("first PutRecords: %v", err)
	}

	got := mustQuery(t, s, store.Filter{})
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ResourceID)
		if r.ResourceID == "i-keep" && !r.LastSeen.Equal(t0) {
			t.Errorf("i-keep was updated by the cancelled batch: last_seen %v", r.LastSeen)
		}
	}
	if !slices.Equal(ids, []string{"i-first", "i-keep"}) {
		t.Errorf("records %v, want [i-first i-keep]", ids)
	}
}

func TestPutRecordsAfterCloseFails(t *testing.T) {
	s := openTemp(t)
	mustClose(t, s)
	if err := s.PutRecords(context.Background(), []inventory.Record{record("i-1", t0)}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("PutRecords after Close = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestPutRecordsRejectsInvalidRecordsWithoutWriting(t *testing.T) {
	nan := math.NaN()
	tests := map[string]func(r *inventory.Record){
		"missing id":            func(r *inventory.Record) { r.ResourceID = "" },
		"missing account":       func(r *inventory.Record) { r.AccountID = "" },
		"zero collected_at":     func(r *inventory.Record) { r.CollectedAt = time.Time{} },
		"NaN cost":              func(r *inventory.Record) { r.EstimatedMonthlyCost = &nan },
		"unencodable attribute": func(r *inventory.Record) { r.Attributes["bad"] = make(chan int) },
	}
	for name, breakIt := range tests {
		t.Run(name, func(t *testing.T) {
			s := openTemp(t)
			defer mustClose(t, s)
			bad := record("i-bad", t0)
			breakIt(&bad)
			if err := s.PutRecords(context.Background(), []inventory.Record{record("i-good", t0), bad}); err == nil {
				t.Fatal("PutRecords accepted an invalid record")
			}
			if got := mustQuery(t, s, store.Filter{IncludeDeleted: true}); len(got) != 0 {
				t.Errorf("a rejected batch wrote %d records", len(got))
			}
		})
	}
}

func TestMarkDeletedWithoutRegionsMarksNothing(t *testing.T) {
	s := openTemp(t)
	defer mustClose(t, s)
	mustPut(t, s, record("i-1", t0))
	n, err := s.MarkDeleted(context.Background(), store.Scope{AccountID: "111111111111", ResourceType: inventory.EC2Instance}, "run-2", t0.Add(time.Hour))
	if err != nil || n != 0 {
		t.Errorf("MarkDeleted without regions = %d, %v; want 0, nil", n, err)
	}
}

func TestStoredTimesSortAsText(t *testing.T) {
	// Go's RFC3339Nano would write 05Z and 05.5Z, which sort the wrong way.
	a, b := formatTime(t0.Add(5*time.Second)), formatTime(t0.Add(5*time.Second+500*time.Millisecond))
	if !(a < b) || len(a) != len(b) {
		t.Errorf("%q and %q do not sort as text like the times they hold", a, b)
	}
	got, err := parseTime(b)
	if err != nil || !got.Equal(t0.Add(5500*time.Millisecond)) || got.Location() != time.UTC {
		t.Errorf("parseTime(%q) = %v, %v", b, got, err)
	}
}
