package security

import (
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Options tune an evaluation. The zero value is the default.
type Options struct {
	// RequireKMS makes s3-bucket-kms-encryption apply: buckets must use
	// SSE-KMS (aws:kms or aws:kms:dsse), SSE-S3 fails. The caller reads it
	// from the configuration.
	RequireKMS bool `json:"require_kms,omitempty"`
	// Now is the evaluation time (access key ages); zero means time.Now().
	Now time.Time `json:"-"`
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now().UTC()
	}
	return o.Now.UTC()
}

// Index is the read-only view of the inventory a check may consult: other
// records by key, the records of a type in an account, buckets by name,
// and the evaluation's options. Deleted records are left out. A nil *Index
// answers every lookup with nothing and the default options.
type Index struct {
	opts    Options
	byKey   map[inventory.Key]*inventory.Record
	byType  map[acctType][]*inventory.Record
	buckets map[string]*inventory.Record
}

type acctType struct{ account, typ string }

// NewIndex indexes the live records of recs.
func NewIndex(recs []inventory.Record, o Options) *Index {
	ix := &Index{opts: o, byKey: make(map[inventory.Key]*inventory.Record, len(recs)),
		byType: map[acctType][]*inventory.Record{}, buckets: map[string]*inventory.Record{}}
	for i := range recs {
		r := &recs[i]
		if r.DeletedAt != nil {
			continue
		}
		ix.byKey[r.Key()] = r
		k := acctType{r.AccountID, r.ResourceType}
		ix.byType[k] = append(ix.byType[k], r)
		if r.ResourceType == inventory.S3Bucket {
			ix.buckets[r.ResourceID] = r
		}
	}
	return ix
}

// Options are the evaluation's options.
func (ix *Index) Options() Options {
	if ix == nil {
		return Options{}
	}
	return ix.opts
}

// Now is the evaluation time.
func (ix *Index) Now() time.Time { return ix.Options().now() }

// Get finds a live record by its key.
func (ix *Index) Get(accountID, region, resourceType, id string) (inventory.Record, bool) {
	if ix == nil {
		return inventory.Record{}, false
	}
	r, ok := ix.byKey[inventory.Key{AccountID: accountID, Region: region, ResourceType: resourceType, ResourceID: id}]
	if !ok {
		return inventory.Record{}, false
	}
	return *r, true
}

// OfType returns the account's live records of a type, in inventory order.
func (ix *Index) OfType(accountID, resourceType string) []inventory.Record {
	if ix == nil {
		return nil
	}
	rs := ix.byType[acctType{accountID, resourceType}]
	out := make([]inventory.Record, len(rs))
	for i, r := range rs {
		out[i] = *r
	}
	return out
}

// Bucket finds an S3 bucket by name, in any account of the inventory
// (bucket names are global: a trail may log to another account's bucket).
func (ix *Index) Bucket(name string) (inventory.Record, bool) {
	if ix == nil {
		return inventory.Record{}, false
	}
	r, ok := ix.buckets[name]
	if !ok {
		return inventory.Record{}, false
	}
	return *r, true
}
