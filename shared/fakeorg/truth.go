package fakeorg

import (
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Expected is the ground truth: the records a complete collection of every
// ACTIVE account's enabled regions (the management account's included) must produce, with identity fields
// and attributes filled in. Time fields (collected_at, first/last seen) and
// run IDs are left zero: they depend on the run, not on the organization.
// Departments follow inventory.Department with no account tag from config
// (resource tag, else account name), as in a discovery-only run.
func (o *Org) Expected() []inventory.Record {
	var out []inventory.Record
	// The management account is in the organization too: discovery lists
	// it, and it has account and region settings (no workloads) to collect.
	for _, a := range append([]*Account{o.Management}, o.Accounts...) {
		out = append(out, o.expectedAccount(a)...)
	}
	inventory.SortRecords(out)
	return out
}

// expectedAccount is the ground truth of one account (none unless ACTIVE).
func (o *Org) expectedAccount(a *Account) []inventory.Record {
	if a.Status != StatusActive {
		return nil
	}
	var out []inventory.Record
	for _, r := range a.Regions {
		if !r.Enabled() {
			continue
		}
		out = append(out, o.expectedEC2(a, r)...)
		out = append(out, o.expectedRDS(a, r)...)
		out = append(out, o.expectedLambda(a, r)...)
		out = append(out, o.expectedEC2Security(a, r)...)
		out = append(out, o.expectedRDSSnapshots(a, r)...)
		out = append(out, o.expectedGuardDuty(a, r)...)
	}
	out = append(out, o.expectedS3(a)...)
	out = append(out, o.expectedS3Account(a)...)
	out = append(out, o.expectedIAM(a)...)
	out = append(out, o.expectedCloudTrail(a)...)
	return out
}

// truthRecord starts a ground-truth record the way collect.Target.Record does.
func truthRecord(a *Account, region, typ, id, arn string, tags map[string]string, attrs map[string]any) inventory.Record {
	if tags == nil {
		tags = map[string]string{}
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	attrs["tags"] = tags
	return inventory.Record{
		ResourceType: typ, ResourceID: id, ARN: arn,
		AccountID: a.ID, AccountName: a.Name,
		Department: inventory.Department(tags, "", a.Name),
		Region:     region, Attributes: attrs,
	}
}
