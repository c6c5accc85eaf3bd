package pricing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// FileCache is a Cache in a directory, one JSON file per key, for the CLI
// (the pipeline can back Cache with its store instead). Files are written
// to a temporary name and renamed into place, so a crash or two concurrent
// runs never leave a half-written price behind.
type FileCache struct {
	Dir string
}

// NewFileCache returns a FileCache in dir; the directory is created on the
// first Put.
func NewFileCache(dir string) *FileCache { return &FileCache{Dir: dir} }

// fileEntry is the file format. A JSON body is stored as-is so an operator
// can read what was cached; anything else is stored base64 in Raw.
type fileEntry struct {
	Key     string          `json:"key"`
	Fetched time.Time       `json:"fetched"`
	Body    json.RawMessage `json:"body,omitempty"`
	Raw     []byte          `json:"raw,omitempty"`
}

// path escapes the key (it contains slashes) into one file name.
func (c *FileCache) path(key string) string {
	return filepath.Join(c.Dir, url.PathEscape(key)+".json")
}

func (c *FileCache) Get(_ context.Context, key string) ([]byte, time.Time, bool, error) {
	b, err := os.ReadFile(c.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("pricing cache: %w", err)
	}
	var e fileEntry
	if err := json.Unmarshal(b, &e); err != nil || e.Key != key {
		// A corrupt or foreign file is a miss; the next Put replaces it.
		return nil, time.Time{}, false, nil
	}
	if e.Body != nil {
		return []byte(e.Body), e.Fetched, true, nil
	}
	return e.Raw, e.Fetched, true, nil
}

func (c *FileCache) Put(_ context.Context, key string, body []byte, fetched time.Time) error {
	e := fileEntry{Key: key, Fetched: fetched.UTC()}
	if json.Valid(body) {
		e.Body = body
	} else {
		e.Raw = body
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("pricing cache: %w", err)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("pricing cache: %w", err)
	}
	tmp, err := os.CreateTemp(c.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("pricing cache: %w", err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pricing cache: write %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), c.path(key)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pricing cache: %w", err)
	}
	return nil
}
