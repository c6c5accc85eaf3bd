package fakeorg

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

func TestCloudTrailDistributionsAreRealistic(t *testing.T) {
	o := New(securitySpec())
	var logging, none, elsewhere, trails int
	for _, a := range o.Accounts {
		_, l, _ := a.trailSummary(a.Regions[0].Name)
		logging += int(iamFlag(l))
		none += int(iamFlag(len(a.Trails) == 0))
		for _, tr := range a.Trails {
			trails++
			elsewhere += int(iamFlag(tr.HomeRegion != a.Regions[0].Name))
		}
	}
	n := len(o.Accounts)
	between(t, "accounts with a logging multi-region trail", logging, n, 0.6, 0.85)
	between(t, "accounts without a trail", none, n, 0.02, 0.15)
	between(t, "trails homed outside the home region", elsewhere, trails, 0.05, 0.4)
	if _, l, _ := o.Management.trailSummary(o.Management.Regions[0].Name); !l {
		t.Error("the management account has no logging multi-region trail")
	}
}

// ctAccount finds an account with a multi-region trail homed outside its
// home region, and a region other than that trail's home.
func ctAccount(t *testing.T, o *Org) (*Account, *Trail, string) {
	for _, a := range o.Reachable() {
		for _, tr := range a.Trails {
			if tr.MultiRegion && tr.HomeRegion != a.Regions[0].Name {
				return a, tr, a.Regions[0].Name
			}
		}
	}
	t.Fatal("no multi-region trail homed outside its account's home region")
	return nil, nil, ""
}

func TestCloudTrailAnswersAsAWSDoes(t *testing.T) {
	o := New(securitySpec())
	a, tr, other := ctAccount(t, o)
	ctx := context.Background()
	c := cloudtrail.NewFromConfig(o.MemberConfig(a.ID, other))

	with, err := c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	without, err := c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if len(with.TrailList) != len(a.trailsIn(other, true)) || len(without.TrailList) != len(a.trailsIn(other, false)) ||
		len(with.TrailList) != len(without.TrailList)+1 {
		t.Fatalf("DescribeTrails in %s: %d with shadows, %d without; the shadow of %s is missing or extra", other, len(with.TrailList), len(without.TrailList), tr.ARN)
	}

	// A shadow trail's status is answered by ARN, not by name.
	if _, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(tr.Name)}); errCode(err) != "TrailNotFoundException" {
		t.Errorf("GetTrailStatus of a shadow by name: err = %v, want TrailNotFoundException", err)
	}
	st, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(tr.ARN)})
	if err != nil || aws.ToBool(st.IsLogging) != tr.Logging {
		t.Errorf("GetTrailStatus of a shadow by ARN = %v, %v", st, err)
	}
	if _, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("nope")}); errCode(err) != "TrailNotFoundException" {
		t.Errorf("GetTrailStatus of an unknown trail: err = %v", err)
	}

	// ListTrails lists every trail, whatever the region, page by page.
	p := cloudtrail.NewListTrailsPaginator(c, &cloudtrail.ListTrailsInput{})
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Trails)
	}
	if n != len(a.Trails) {
		t.Errorf("ListTrails listed %d trails, the account has %d", n, len(a.Trails))
	}
}

// TestCloudTrailSingleRegionTrailsStayHome: a single-region trail has no
// shadow: another region does not know it, even by ARN.
func TestCloudTrailSingleRegionTrailsStayHome(t *testing.T) {
	o := New(securitySpec())
	for _, a := range o.Reachable() {
		for _, tr := range a.Trails {
			if tr.MultiRegion {
				continue
			}
			for _, r := range a.EnabledRegions() {
				if r == tr.HomeRegion {
					continue
				}
				c := cloudtrail.NewFromConfig(o.MemberConfig(a.ID, r))
				_, err := c.GetTrailStatus(context.Background(), &cloudtrail.GetTrailStatusInput{Name: aws.String(tr.ARN)})
				if errCode(err) != "TrailNotFoundException" {
					t.Fatalf("GetTrailStatus of %s from %s: err = %v, want TrailNotFoundException", tr.ARN, r, err)
				}
				return
			}
		}
	}
	t.Fatal("no single-region trail")
}

func TestCloudTrailDeliversToBucketsInAndOutOfTheInventory(t *testing.T) {
	o := New(securitySpec())
	in, out := 0, 0
	for _, a := range o.Accounts {
		names := map[string]bool{}
		for _, b := range a.Buckets {
			names[b.Name] = true
		}
		for _, tr := range a.Trails {
			if names[tr.S3Bucket] {
				in++
			} else {
				out++
			}
		}
	}
	if in == 0 || out == 0 {
		t.Fatalf("trails delivering to an inventoried bucket: %d, elsewhere: %d; want both", in, out)
	}
}
