package fakeorg

import (
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Reachable lists the member accounts a collection can enter: ACTIVE and
// not currently refusing AssumeRole (see Deny).
func (o *Org) Reachable() []*Account {
	var out []*Account
	for _, a := range o.Accounts {
		if a.Status == StatusActive && !o.isDenied(a.ID) {
			out = append(out, a)
		}
	}
	return out
}

// EnabledRegions lists the names of the account's usable regions, in the
// account's region order (the first is its home region).
func (a *Account) EnabledRegions() []string {
	var out []string
	for _, r := range a.Regions {
		if r.Enabled() {
			out = append(out, r.Name)
		}
	}
	return out
}

// ExpectedFor is the ground truth (Expected) for one account, region and
// resource type; region "" matches any region (S3 buckets of an account
// live in several).
func (o *Org) ExpectedFor(accountID, region, resourceType string) []inventory.Record {
	a, ok := o.Account(accountID)
	if !ok {
		return nil
	}
	var out []inventory.Record
	for _, r := range o.expectedAccount(a) {
		if (region == "" || r.Region == region) && r.ResourceType == resourceType {
			out = append(out, r)
		}
	}
	inventory.SortRecords(out)
	return out
}
