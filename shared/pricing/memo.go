package pricing

import (
	"context"
	"errors"
	"sync"
)

// memo is the per-run cache: one answer per key for the life of the
// source, computed once even when many goroutines ask at the same time
// (single flight), so pricing a thousand m5.large instances costs one API
// call. Context errors are not remembered: a caller that gave up must not
// poison the key for the rest of the run.
type memo[T any] struct {
	mu sync.Mutex
	m  map[string]*memoCall[T]
}

type memoCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func (m *memo[T]) do(ctx context.Context, key string, fn func() (T, error)) (T, error) {
	for {
		m.mu.Lock()
		if m.m == nil {
			m.m = map[string]*memoCall[T]{}
		}
		c, waiting := m.m[key]
		if !waiting {
			c = &memoCall[T]{done: make(chan struct{})}
			m.m[key] = c
		}
		m.mu.Unlock()

		if !waiting {
			c.val, c.err = fn()
			if c.err != nil && ctx.Err() != nil {
				m.mu.Lock()
				delete(m.m, key)
				m.mu.Unlock()
			}
			close(c.done)
			return c.val, c.err
		}
		select {
		case <-c.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if c.err != nil && isContextErr(c.err) && ctx.Err() == nil {
			continue // the first caller gave up; this one still wants an answer
		}
		return c.val, c.err
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
