package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// PutDocument creates or replaces a named document.
func (s *Store) PutDocument(ctx context.Context, d store.Document) error {
	if err := s.writable(); err != nil {
		return err
	}
	if err := d.Check(); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO documents (key, body, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
		d.Key, d.Body, formatTime(d.UpdatedAt))
	if err != nil {
		return fmt.Errorf("put document %s into %s: %w", d.Key, s.path, err)
	}
	return nil
}

// GetDocument returns a document, or an error wrapping store.ErrNotFound.
func (s *Store) GetDocument(ctx context.Context, key string) (store.Document, error) {
	d := store.Document{Key: key}
	var updated string
	err := s.r.QueryRowContext(ctx, `SELECT body, updated_at FROM documents WHERE key = ?`, key).Scan(&d.Body, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("document %s: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("get document %s from %s: %w", key, s.path, err)
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return d, fmt.Errorf("document %s in %s: updated_at: %w", key, s.path, err)
	}
	return d, nil
}
