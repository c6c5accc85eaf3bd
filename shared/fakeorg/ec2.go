package fakeorg

import "github.com/cloudinv/aws-inventory/shared/inventory"

// EC2Region holds one account region's EC2 resources. (stub: to be generated)
type EC2Region struct{}

func (g *gen) ec2() {}

func ec2Handlers() map[string]handler { return map[string]handler{} }

func (o *Org) expectedEC2(a *Account, r *Region) []inventory.Record { return nil }
