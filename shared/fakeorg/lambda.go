package fakeorg

import "github.com/cloudinv/aws-inventory/shared/inventory"

// LambdaRegion holds one account region's Lambda resources. (stub: to be generated)
type LambdaRegion struct{}

func (g *gen) lambda() {}

func lambdaHandlers() map[string]handler { return map[string]handler{} }

func (o *Org) expectedLambda(a *Account, r *Region) []inventory.Record { return nil }
