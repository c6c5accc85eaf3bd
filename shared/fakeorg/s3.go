package fakeorg

import "github.com/cloudinv/aws-inventory/shared/inventory"

// Bucket is one S3 bucket. (stub: to be generated)
type Bucket struct{}

func (g *gen) s3() {}

func s3Handlers() map[string]handler { return map[string]handler{} }

func (o *Org) expectedS3(a *Account) []inventory.Record { return nil }
