package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Dir stores objects as files: bucket B, key K is ROOT/B/K, the layout the
// local invoke entry point uses for its stand-in S3.
type Dir struct {
	root   string
	bucket string
}

// NewDir returns a store for bucket under root. The bucket must be a single
// path segment; the directory is created on the first Put.
func NewDir(root, bucket string) (*Dir, error) {
	if root == "" {
		return nil, errors.New("blob: empty root directory")
	}
	if bucket == "" || bucket == "." || bucket == ".." || strings.ContainsAny(bucket, `/\`) {
		return nil, fmt.Errorf("blob: bucket %q: expected a single directory name", bucket)
	}
	return &Dir{root: root, bucket: bucket}, nil
}

// Bucket returns the bucket name.
func (d *Dir) Bucket() string { return d.bucket }

// Path returns the file that holds key.
func (d *Dir) Path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.root, d.bucket, filepath.FromSlash(key)), nil
}

// Put writes body at key through a temporary file renamed into place, so a
// reader never sees half an object, as with S3.
func (d *Dir) Put(ctx context.Context, key string, body []byte, _ string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path, err := d.Path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("put %s: %w", URI(d.bucket, key), err)
	}
	if err := writeAtomic(path, body); err != nil {
		return fmt.Errorf("put %s: %w", URI(d.bucket, key), err)
	}
	return nil
}

func writeAtomic(path string, body []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	// Removing after a successful rename fails harmlessly: the name is gone.
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return err
	}
	// CreateTemp makes the file 0600; objects are meant to be read.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Get reads the object at key; a missing object is ErrNotFound.
func (d *Dir) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path, err := d.Path(key)
	if err != nil {
		return nil, err
	}
	body, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || isDir(path) {
		return nil, fmt.Errorf("get %s: %w", URI(d.bucket, key), ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", URI(d.bucket, key), err)
	}
	return body, nil
}

// isDir reports whether path is a directory: a key that is only a prefix of
// other keys, which S3 reports as a missing object.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
