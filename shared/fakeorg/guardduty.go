package fakeorg

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// GuardDutyDetector is a region's GuardDuty detector (a region has at most
// one). A suspended detector has Status DISABLED.
type GuardDutyDetector struct {
	ID        string
	Status    string // ENABLED or DISABLED
	Frequency string // FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS
	Created   time.Time
	Updated   time.Time
	Tags      map[string]string
}

// ARN is the detector's ARN in the account and region.
func (d *GuardDutyDetector) ARN(accountID, region string) string {
	return fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s", region, accountID, d.ID)
}

// generateGuardDuty draws each enabled region's detector: enabled in most
// regions of production accounts (and the management account), in fewer
// elsewhere; a few suspended.
func (o *Org) generateGuardDuty(a *Account) {
	strict := securityStrict(a)
	now := o.Spec.Now
	for _, r := range a.Regions {
		if !r.Enabled() {
			continue
		}
		rng := o.rngFor(a.ID, r.Name, "guardduty")
		on := securityPick(strict, 0.9, 0.4)
		p := rng.Float64()
		if p >= on+0.04 {
			continue // never enabled here
		}
		d := &GuardDutyDetector{ID: randHex(rng, 32), Status: "ENABLED", Frequency: "SIX_HOURS"}
		if p >= on {
			d.Status = "DISABLED"
		}
		switch f := rng.Float64(); {
		case f < 0.2:
			d.Frequency = "FIFTEEN_MINUTES"
		case f < 0.3:
			d.Frequency = "ONE_HOUR"
		}
		d.Created = now.AddDate(0, 0, -(1 + rng.IntN(1500))).Add(-time.Duration(rng.IntN(86400)) * time.Second)
		d.Updated = iamBetween(rng, d.Created, now)
		d.Tags = map[string]string{}
		if rng.Float64() < 0.3 {
			d.Tags["ManagedBy"] = "terraform"
			if rng.Float64() < 0.5 {
				d.Tags["Department"] = "Security"
			}
		}
		r.GuardDuty = d
	}
}

// --- API ---

func guarddutyHandlers() map[string]handler {
	return map[string]handler{
		"GuardDuty.ListDetectors": gdListDetectors,
		"GuardDuty.GetDetector":   gdGetDetector,
	}
}

// gdTime is GuardDuty's timestamp format (a string in its API).
func gdTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func gdListDetectors(o *Org, c *Call) (any, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*guardduty.ListDetectorsInput)
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 50) {
		return nil, apiError("BadRequestException", "The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
	}
	ids := []string{}
	if r.GuardDuty != nil {
		ids = append(ids, r.GuardDuty.ID)
	}
	items, next, err := page(ids, in.NextToken, in.MaxResults, 50)
	if err != nil {
		return nil, apiError("BadRequestException", "The request is rejected because the input nextToken is not valid.")
	}
	return &guardduty.ListDetectorsOutput{DetectorIds: items, NextToken: next}, nil
}

func gdGetDetector(o *Org, c *Call) (any, error) {
	a, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	id := aws.ToString(c.Input.(*guardduty.GetDetectorInput).DetectorId)
	d := r.GuardDuty
	if d == nil || d.ID != id {
		return nil, apiError("BadRequestException", "The request is rejected because the input detectorId is not owned by the current account.")
	}
	tags := map[string]string{}
	for k, v := range d.Tags {
		tags[k] = v
	}
	return &guardduty.GetDetectorOutput{
		Status:                     gdtypes.DetectorStatus(d.Status),
		FindingPublishingFrequency: gdtypes.FindingPublishingFrequency(d.Frequency),
		ServiceRole:                aws.String(fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", a.ID)),
		CreatedAt:                  aws.String(gdTime(d.Created)),
		UpdatedAt:                  aws.String(gdTime(d.Updated)),
		Tags:                       tags,
	}, nil
}

// --- ground truth ---

// expectedGuardDuty is what the guardduty_detector collector must emit in
// one enabled region: the detector, or a "none" record that is not enabled.
func (o *Org) expectedGuardDuty(a *Account, r *Region) []inventory.Record {
	d := r.GuardDuty
	if d == nil {
		return []inventory.Record{truthRecord(a, r.Name, "guardduty_detector", "none", "", nil, map[string]any{"enabled": false})}
	}
	tags := map[string]string{}
	for k, v := range d.Tags {
		tags[k] = v
	}
	return []inventory.Record{truthRecord(a, r.Name, "guardduty_detector", d.ID, d.ARN(a.ID, r.Name), tags, map[string]any{
		"enabled": d.Status == "ENABLED", "status": d.Status, "finding_publishing_frequency": d.Frequency,
	})}
}
