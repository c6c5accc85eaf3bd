package pipeline

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/pricing"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// Env is what the stages need. A Lambda handler builds one per container; the
// local runner one per run.
type Env struct {
	Config *config.Config
	Access *access.Access
	Store  store.Store
	// Collectors by resource type (collect/registry.ByType()).
	Collectors map[string]collect.Collector
	// Prices estimates each record's monthly cost as it is collected; nil
	// leaves records unpriced.
	Prices pricing.Prices
	// HomeRegion is where global collectors and region discovery run.
	HomeRegion string
	// Now is the clock (tests fix it).
	Now func() time.Time
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

func (e *Env) home() string {
	if e.HomeRegion != "" {
		return e.HomeRegion
	}
	return "us-east-1"
}

// NewRunID makes a sortable, unique run ID: run-20261126T063000Z-1a2b3c.
func NewRunID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "run-" + now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}
