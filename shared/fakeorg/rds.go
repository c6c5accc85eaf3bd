package fakeorg

import "github.com/cloudinv/aws-inventory/shared/inventory"

// RDSRegion holds one account region's RDS resources. (stub: to be generated)
type RDSRegion struct{}

func (g *gen) rds() {}

func rdsHandlers() map[string]handler { return map[string]handler{} }

func (o *Org) expectedRDS(a *Account, r *Region) []inventory.Record { return nil }
