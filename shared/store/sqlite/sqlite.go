// Package sqlite is the store backend for local runs (`inventory collect`):
// one SQLite file through modernc.org/sqlite (pure Go, no cgo).
//
// SQLite allows one writer at a time, so a Store serializes writes in Go
// rather than have dozens of collector goroutines retry SQLITE_BUSY: it has
// a single write connection, and record batches reach it through one writer
// goroutine that commits concurrent batches together (writer.go). Queries
// use a separate pool of read connections, which WAL mode lets run while the
// writer writes.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cloudinv/aws-inventory/shared/store"
)

const driverName = "sqlite"

// busyTimeoutMS bounds how long a statement waits for another process (a
// second `inventory collect`, an sqlite3 shell) holding the write lock.
const busyTimeoutMS = 10000

// Store is a store.Store backed by one SQLite database file. It is safe for
// concurrent use by many goroutines.
type Store struct {
	path     string
	readOnly bool

	w *sql.DB // nil when read-only; exactly one connection
	r *sql.DB // query_only (read-write store) or mode=ro (read-only store)

	// Record writes go through one goroutine (writer.go).
	reqs       chan *writeReq
	quit       chan struct{}     // closed by Close
	writerDone chan struct{}     // closed when the writer has stopped
	upserts    map[int]*sql.Stmt // by records per statement; the writer's

	// WAL checkpoints run on their own connection (writer.go).
	ck              *sql.DB
	checkpoint      chan struct{} // the writer asks for a checkpoint
	checkpointDone  chan struct{} // closed when checkpointLoop has stopped
	sinceCheckpoint int           // records written since the last request; the writer's
	checkpointErr   error         // first failure; checkpointLoop's until it stops

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open opens the inventory database at path read-write, creating it if it
// does not exist and migrating its schema to this version. The directory must
// exist. A database written by a newer version of inventory is refused with
// an error wrapping store.ErrSchemaTooNew, and left untouched.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open inventory database %s: %w", path, err)
	}
	if err := checkLocation(abs); err != nil {
		return nil, err
	}
	// SQLite silently opens a write-protected file read-only, and the
	// failure would only show at the first write; say so now.
	if f, err := os.OpenFile(abs, os.O_RDWR, 0); err == nil {
		if err := f.Close(); err != nil {
			return nil, describeOpenError(abs, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, notWritable(abs, err)
	}

	w, err := sql.Open(driverName, dsn(abs, url.Values{
		"_busy_timeout": {fmt.Sprint(busyTimeoutMS)},
		"_foreign_keys": {"1"},
		// In WAL mode NORMAL never corrupts the file; a power cut may lose
		// the last transactions, which the next collection writes again.
		// FULL would fsync every batch and cap throughput at the disk's
		// flush rate.
		"_synchronous": {"NORMAL"},
		// Statement journals (every upsert in a multi-statement transaction
		// has one) and sorts stay in memory instead of temporary files.
		"_pragma": {
			"temp_store(MEMORY)",
			// Checkpoints normally run in the background (writer.go); the
			// writer does one itself only if those fall far behind.
			"wal_autocheckpoint(10000)",
		},
		// Take the write lock at BEGIN: a deferred transaction that reads
		// first and then writes can fail with SQLITE_BUSY without waiting
		// when another process wrote in between.
		"_txlock": {"immediate"},
	}))
	if err != nil {
		return nil, describeOpenError(abs, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	s := &Store{path: abs, w: w, upserts: map[int]*sql.Stmt{}, quit: make(chan struct{})}
	if err := s.initWriter(ctx); err != nil {
		return nil, s.abandon(err)
	}

	s.r, err = openReadPool(abs, url.Values{"_query_only": {"1"}})
	if err != nil {
		return nil, s.abandon(describeOpenError(abs, err))
	}
	s.ck, err = sql.Open(driverName, dsn(abs, url.Values{"_busy_timeout": {fmt.Sprint(busyTimeoutMS)}}))
	if err != nil {
		return nil, s.abandon(describeOpenError(abs, err))
	}
	s.ck.SetMaxOpenConns(1)
	s.checkpoint = make(chan struct{}, 1)
	s.checkpointDone = make(chan struct{})
	go s.checkpointLoop()
	s.reqs = make(chan *writeReq)
	s.writerDone = make(chan struct{})
	go s.writeLoop()
	return s, nil
}

// initWriter checks the schema version before anything writes to the file,
// then switches to WAL and migrates.
func (s *Store) initWriter(ctx context.Context) error {
	v, err := userVersion(ctx, s.w)
	if err != nil {
		return describeOpenError(s.path, err)
	}
	if v > schemaVersion {
		return schemaTooNew(s.path, v)
	}
	// journal_mode is persistent (stored in the file header), so it is set
	// here, after the version check, rather than in the DSN: a file from a
	// newer version must not be modified at all.
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return describeOpenError(s.path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("open inventory database %s: cannot switch to WAL journal mode (got %q); is it on a network file system?", s.path, mode)
	}
	if v < schemaVersion {
		if err := migrate(ctx, s.w, s.path); err != nil {
			return err
		}
	}
	// Prepared now so that a broken schema fails Open, not the first put.
	if _, err := s.upsertStmt(ctx, upsertChunk); err != nil {
		return fmt.Errorf("open inventory database %s: prepare upsert: %w", s.path, err)
	}
	return nil
}

// OpenReadOnly opens an existing inventory database for queries only. It
// never creates, migrates or otherwise writes the file, so query commands
// cannot damage a database another version of inventory is using. Write
// methods of the returned Store fail.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open inventory database %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &openError{
			msg:   fmt.Sprintf("no inventory database at %s; run `inventory collect` first", abs),
			cause: []error{err},
		}
	case err != nil:
		return nil, describeOpenError(abs, err)
	case fi.IsDir():
		return nil, &openError{msg: fmt.Sprintf("open inventory database %s: it is a directory, not a database file", abs)}
	}

	// Refuse a newer file from its header before SQLite opens it: a reader
	// of a WAL database creates the -wal and -shm files beside it, and a
	// file this build will not read should be left exactly as it was.
	if v, ok := headerUserVersion(abs); ok && v > schemaVersion {
		return nil, schemaTooNew(abs, v)
	}

	r, err := openReadPool(abs, url.Values{"mode": {"ro"}})
	if err != nil {
		return nil, describeOpenError(abs, err)
	}
	s := &Store{path: abs, readOnly: true, r: r}
	v, err := userVersion(ctx, r)
	if err != nil && isReadOnlyDirError(err) {
		// A reader of a WAL database needs to create the -shm file. In a
		// read-only directory (an archive, a read-only mount) no writer
		// can be running, so without a -wal file holding uncheckpointed
		// changes the file is complete and can be read as immutable.
		if _, serr := os.Stat(abs + "-wal"); errors.Is(serr, fs.ErrNotExist) {
			if cerr := r.Close(); cerr != nil {
				return nil, describeOpenError(abs, cerr)
			}
			if r, err = openReadPool(abs, url.Values{"mode": {"ro"}, "immutable": {"1"}}); err != nil {
				return nil, describeOpenError(abs, err)
			}
			s.r = r
			v, err = userVersion(ctx, r)
		}
	}
	if err != nil {
		return nil, s.abandon(describeOpenError(abs, err))
	}
	switch {
	case v > schemaVersion:
		return nil, s.abandon(schemaTooNew(abs, v))
	case v == 0:
		return nil, s.abandon(&openError{msg: fmt.Sprintf("open inventory database %s: the file is an SQLite database but holds no inventory; run `inventory collect` first", abs)})
	case v < schemaVersion:
		return nil, s.abandon(&openError{msg: fmt.Sprintf("open inventory database %s: it was written by an older inventory (schema version %d, this build reads %d); run `inventory collect` once to upgrade it", abs, v, schemaVersion)})
	}
	return s, nil
}

// isReadOnlyDirError reports the driver errors SQLite gives when it cannot
// create the -shm file of a WAL database.
func isReadOnlyDirError(err error) bool {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return false
	}
	switch coded.Code() & 0xff {
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

// openReadPool opens the pool used by queries; extra carries the parameters
// that make its connections unable to write.
func openReadPool(abs string, extra url.Values) (*sql.DB, error) {
	params := url.Values{
		"_busy_timeout": {fmt.Sprint(busyTimeoutMS)},
		"_foreign_keys": {"1"},
	}
	for k, v := range extra {
		params[k] = v
	}
	r, err := sql.Open(driverName, dsn(abs, params))
	if err != nil {
		return nil, err
	}
	// Enough readers to keep both cores busy with a few queries waiting on
	// I/O; more only costs memory (each connection has its own page cache).
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return r, nil
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database. The write connection closes last so that it
// checkpoints the WAL into the main file and removes the -wal and -shm files.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.quit != nil {
			close(s.quit)
		}
		if s.writerDone != nil {
			<-s.writerDone // the writer owns s.upserts until it stops
		}
		if s.checkpointDone != nil {
			close(s.checkpoint) // only the writer sends, and it has stopped
			<-s.checkpointDone
			errs = append(errs, s.checkpointErr)
		}
		if s.ck != nil {
			errs = append(errs, s.ck.Close())
		}
		for _, st := range s.upserts {
			errs = append(errs, st.Close())
		}
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		if s.w != nil {
			errs = append(errs, s.w.Close())
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("close inventory database %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// abandon closes a half-opened store and returns err, the reason for giving
// up, with any close error attached.
func (s *Store) abandon(err error) error {
	if cerr := s.Close(); cerr != nil {
		return errors.Join(err, cerr)
	}
	return err
}

// writable reports an error for writes through a read-only store, before
// SQLite would report a less helpful SQLITE_READONLY.
func (s *Store) writable() error {
	if s.readOnly {
		return fmt.Errorf("inventory database %s is open read-only", s.path)
	}
	return nil
}

// dsn builds a file: URI so that paths containing '?', '#' or '%' reach
// SQLite intact and SQLite's own parameters (mode=ro) apply.
func dsn(abs string, params url.Values) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: C:/x → file:///C:/x
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: params.Encode()}
	return u.String()
}

func userVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// headerUserVersion reads PRAGMA user_version straight from the database
// header (a big-endian uint32 at offset 60, https://sqlite.org/fileformat.html).
// ok is false when the file is not an SQLite database. The WAL may hold a
// newer header; SQLite's own check after opening covers that.
func headerUserVersion(path string) (v int, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || string(h[:16]) != "SQLite format 3\x00" {
		return 0, false
	}
	return int(binary.BigEndian.Uint32(h[60:64])), true
}

func schemaTooNew(path string, v int) error {
	return fmt.Errorf("open inventory database %s: %w (the file has schema version %d, this build supports up to %d); use a newer inventory, or another database file",
		path, store.ErrSchemaTooNew, v, schemaVersion)
}

// openError is an error about the database file as a whole. Error is written
// for the person running the command; Unwrap keeps the causes (driver and
// file system errors) for errors.Is and errors.As.
type openError struct {
	msg   string
	cause []error
}

func (e *openError) Error() string   { return e.msg }
func (e *openError) Unwrap() []error { return e.cause }

// checkLocation catches the common mistakes before SQLite reports them as a
// bare "unable to open database file".
func checkLocation(abs string) error {
	dir := filepath.Dir(abs)
	prefix := "open inventory database " + abs + ": "
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &openError{msg: prefix + "directory " + dir + " does not exist", cause: []error{err}}
	case err != nil:
		return &openError{msg: prefix + "cannot use directory " + dir + ": " + err.Error(), cause: []error{err}}
	case !fi.IsDir():
		return &openError{msg: prefix + dir + " is not a directory", cause: []error{fs.ErrInvalid}}
	}
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return &openError{msg: prefix + "it is a directory, not a database file", cause: []error{fs.ErrInvalid}}
	}
	return nil
}

// notWritable reports a database file that cannot be opened for writing;
// err is the file system's reason, more the driver's if any.
func notWritable(abs string, err error, more ...error) error {
	reason := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err // the path is already in the message
	}
	return &openError{
		msg:   "open inventory database " + abs + ": the file is not writable: " + reason.Error(),
		cause: append([]error{err}, more...),
	}
}

// describeOpenError turns a driver or file system error met while opening
// the database into a message that says what is wrong with the file.
func describeOpenError(abs string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("open inventory database %s: %w", abs, err)
	}
	if lerr := checkLocation(abs); lerr != nil {
		var oe *openError
		if errors.As(lerr, &oe) {
			oe.cause = append(oe.cause, err)
		}
		return lerr
	}
	prefix := "open inventory database " + abs + ": "
	wrap := func(msg string) error { return &openError{msg: prefix + msg, cause: []error{err}} }

	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return wrap(err.Error())
	}
	switch coded.Code() & 0xff { // extended result codes carry the primary code in the low byte
	case sqlite3.SQLITE_NOTADB:
		return wrap("the file is not an SQLite database (or it is encrypted)")
	case sqlite3.SQLITE_CORRUPT:
		return wrap("the database file is damaged: " + err.Error())
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return wrap("the database is locked by another process; try again when it has finished")
	case sqlite3.SQLITE_FULL:
		return wrap("the disk is full")
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH, sqlite3.SQLITE_IOERR:
		dir := filepath.Dir(abs)
		if _, serr := os.Stat(abs); errors.Is(serr, fs.ErrNotExist) {
			return wrap("cannot create the file: directory " + dir + " is not writable")
		}
		f, oerr := os.OpenFile(abs, os.O_RDWR, 0)
		if oerr != nil {
			return notWritable(abs, oerr, err)
		}
		if cerr := f.Close(); cerr != nil {
			return wrap("cannot open the file: " + cerr.Error())
		}
		// The file itself is fine, so SQLite failed on its -wal or -shm
		// companion files, which live in the same directory.
		return wrap("cannot write in directory " + dir + " (SQLite keeps " + filepath.Base(abs) + "-wal and -shm files beside the database): " + err.Error())
	}
	return wrap(err.Error())
}
