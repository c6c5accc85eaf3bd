// Package blob stores the pipeline's objects: the work items Plan hands to the
// Distributed Map and the reports a run leaves for its readers. S3 serves the
// deployed system; Dir serves local runs and the local invoke entry point,
// with the same keys, so a key that works in one works in the other.
package blob

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrNotFound is returned (wrapped with the bucket and key) by Get when the
// object does not exist.
var ErrNotFound = errors.New("object not found")

// Store puts and gets whole objects by key.
type Store interface {
	Put(ctx context.Context, key string, body []byte, contentType string) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// maxKeyBytes is S3's limit on an object key.
const maxKeyBytes = 1024

// CheckKey reports why key cannot name an object, or nil. Both backends
// apply the same rules: a relative, slash-separated path of non-empty
// segments, none of them "." or "..", so that a key can never escape a
// local directory and never means two different objects in S3 and on disk.
func CheckKey(key string) error {
	switch {
	case key == "":
		return errors.New("blob: empty key")
	case len(key) > maxKeyBytes:
		return fmt.Errorf("blob: key %.40q…: longer than %d bytes", key, maxKeyBytes)
	case !utf8.ValidString(key):
		return fmt.Errorf("blob: key %q: not valid UTF-8", key)
	case strings.HasPrefix(key, "/"):
		return fmt.Errorf("blob: key %q: absolute (expected a relative path such as reports/2026/01/02/run/summary.json)", key)
	case strings.Contains(key, `\`):
		return fmt.Errorf(`blob: key %q: contains "\" (expected "/" as the separator)`, key)
	}
	for _, seg := range strings.Split(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("blob: key %q: empty path segment (leading, trailing or doubled \"/\")", key)
		case ".", "..":
			return fmt.Errorf("blob: key %q: %q segments are not allowed", key, seg)
		}
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("blob: key %q: contains a control character", key)
		}
	}
	return nil
}

// URI renders bucket and key the way the AWS CLI takes them.
func URI(bucket, key string) string {
	return "s3://" + bucket + "/" + key
}
