package fakeorg

import "github.com/cloudinv/aws-inventory/shared/inventory"

// Ground truth of one account or account region, for the model tests.

// testExpectedEC2Security is the ground truth of the ebs_snapshot and
// ebs_default_encryption collectors in one account region.
func (o *Org) testExpectedEC2Security(accountID, region string) []inventory.Record {
	a, ok := o.Account(accountID)
	if !ok || a.Status != StatusActive {
		return nil
	}
	r, ok := a.Region(region)
	if !ok || !r.Enabled() {
		return nil
	}
	return o.expectedEC2Security(a, r)
}

// testExpectedRDSSnapshots is expectedRDSSnapshots for one account and region,
// sorted as Expected is.
func (o *Org) testExpectedRDSSnapshots(accountID, region string) []inventory.Record {
	a, ok := o.Account(accountID)
	if !ok {
		return nil
	}
	r, ok := a.Region(region)
	if !ok || !r.Enabled() {
		return nil
	}
	out := o.expectedRDSSnapshots(a, r)
	inventory.SortRecords(out)
	return out
}

// testExpectedS3Account is expectedS3Account by account ID (nil for an unknown
// one).
func (o *Org) testExpectedS3Account(accountID string) []inventory.Record {
	a, ok := o.Account(accountID)
	if !ok {
		return nil
	}
	return o.expectedS3Account(a)
}

// testExpectedSecurity is the ground truth of the account-level security types
// (iam_account, iam_user, cloudtrail_trail, guardduty_detector) for one
// account (member or management), region ("" for any) and type ("" for
// all).
func (o *Org) testExpectedSecurity(accountID, region, resourceType string) []inventory.Record {
	a, ok := o.Account(accountID)
	if !ok {
		return nil
	}
	all := append(o.expectedIAM(a), o.expectedCloudTrail(a)...)
	for _, r := range a.Regions {
		if r.Enabled() {
			all = append(all, o.expectedGuardDuty(a, r)...)
		}
	}
	var out []inventory.Record
	for _, r := range all {
		if (region == "" || r.Region == region) && (resourceType == "" || r.ResourceType == resourceType) {
			out = append(out, r)
		}
	}
	inventory.SortRecords(out)
	return out
}
