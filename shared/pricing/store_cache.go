package pricing

import (
	"context"
	"errors"
	"time"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// Documents is the part of store.Store a StoreCache uses.
type Documents interface {
	PutDocument(ctx context.Context, d store.Document) error
	GetDocument(ctx context.Context, key string) (store.Document, error)
}

// StoreCache keeps fetched prices as documents of the inventory store
// ("price/<key>"), with the time they were fetched: every Lambda of a
// deployment and every later run reuse them until they are older than the
// source's MaxAge, instead of asking the Price List API again.
type StoreCache struct{ Store Documents }

const storeCachePrefix = "price/"

// Get returns a cached body and when it was fetched; ok is false when the
// key was never cached.
func (c StoreCache) Get(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	d, err := c.Store.GetDocument(ctx, storeCachePrefix+key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, err
	}
	return d.Body, d.UpdatedAt, true, nil
}

// Put stores a body fetched at the given time.
func (c StoreCache) Put(ctx context.Context, key string, body []byte, fetched time.Time) error {
	return c.Store.PutDocument(ctx, store.Document{Key: storeCachePrefix + key, Body: body, UpdatedAt: fetched})
}
