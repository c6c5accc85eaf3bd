package guardduty

import (
	"context"
	"errors"
	"testing"

	awsgd "github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func testSpec() fakeorg.Spec {
	sp := collecttest.Spec()
	sp.Accounts = 24
	return sp
}

func TestDetectorsMatchGroundTruthInEveryRegion(t *testing.T) {
	o := fakeorg.New(testSpec())
	seen := map[string]bool{}
	for _, a := range collecttest.Accounts(o) {
		for _, region := range a.EnabledRegions() {
			got := collecttest.Collect(t, Detectors(), collecttest.Target(o, a, region))
			collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, region, detectorType))
			if len(got) != 1 {
				t.Fatalf("%s %s: %d records, want 1", a.ID, region, len(got))
			}
			r := got[0]
			seen["none"] = seen["none"] || r.ResourceID == noDetector
			seen["enabled"] = seen["enabled"] || r.Attributes["enabled"] == true
			seen["suspended"] = seen["suspended"] || r.Attributes["status"] == "DISABLED"
			seen["fifteen minutes"] = seen["fifteen minutes"] || r.Attributes["finding_publishing_frequency"] == "FIFTEEN_MINUTES"
			seen["department from tag"] = seen["department from tag"] || r.Department == "Security"
		}
	}
	for _, want := range []string{"none", "enabled", "suspended", "fifteen minutes", "department from tag"} {
		if !seen[want] {
			t.Errorf("no region with %s: the comparison does not cover it", want)
		}
	}
}

// fixed answers ListDetectors and GetDetector with the given errors.
type fixed struct {
	DetectorAPI
	listErr, getErr error
}

func (f fixed) ListDetectors(ctx context.Context, in *awsgd.ListDetectorsInput, opt ...func(*awsgd.Options)) (*awsgd.ListDetectorsOutput, error) {
	if f.listErr != nil {
		return nil, f.listErr
	}
	return f.DetectorAPI.ListDetectors(ctx, in, opt...)
}

func (f fixed) GetDetector(ctx context.Context, in *awsgd.GetDetectorInput, opt ...func(*awsgd.Options)) (*awsgd.GetDetectorOutput, error) {
	if f.getErr != nil {
		return nil, f.getErr
	}
	return f.DetectorAPI.GetDetector(ctx, in, opt...)
}

func apiErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

// withDetector finds an account region with a detector.
func withDetector(t *testing.T, o *fakeorg.Org) (*fakeorg.Account, string) {
	for _, a := range o.Reachable() {
		for _, r := range a.Regions {
			if r.GuardDuty != nil {
				return a, r.Name
			}
		}
	}
	t.Fatal("no region with a detector")
	return nil, ""
}

func TestDetectorDeniedIsUnreadable(t *testing.T) {
	o := fakeorg.New(testSpec())
	a, region := withDetector(t, o)
	tg := collecttest.Target(o, a, region)
	got := collecttest.Emitted(t, func(emit collect.Emit) error {
		return collectDetectors(context.Background(), tg, fixed{DetectorAPI: awsgd.NewFromConfig(tg.AWS), getErr: apiErr("AccessDeniedException")}, emit)
	})
	want := o.ExpectedFor(a.ID, region, detectorType)
	want[0].Attributes = map[string]any{"unreadable": []string{"GetDetector"}, "tags": map[string]string{}}
	want[0].Department = a.Name
	collecttest.AssertRecords(t, got, want)
}

func TestListingDeniedFailsTheRegion(t *testing.T) {
	o := fakeorg.New(testSpec())
	a, region := withDetector(t, o)
	tg := collecttest.Target(o, a, region)
	err := collectDetectors(context.Background(), tg, fixed{DetectorAPI: awsgd.NewFromConfig(tg.AWS), listErr: apiErr("AccessDeniedException")},
		func(inventory.Record) error { t.Fatal("a record was emitted"); return nil })
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("err = %v", err)
	}
}

func TestNotSubscribedIsNotEnabled(t *testing.T) {
	tg := collect.Target{AccountID: "123456789012", AccountName: "acct", Region: "eu-west-1"}
	got := collecttest.Emitted(t, func(emit collect.Emit) error {
		return collectDetectors(context.Background(), tg, fixed{listErr: apiErr("SubscriptionRequiredException")}, emit)
	})
	if len(got) != 1 || got[0].ResourceID != noDetector || got[0].Attributes["enabled"] != false {
		t.Fatalf("got %+v", got)
	}
}

// TestRegionNotOptedInFails: like every collector, GuardDuty answers
// OptInRequired there, which the pipeline reports as a skipped region.
func TestRegionNotOptedInFails(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	var region string
	for _, r := range a.Regions {
		if !r.Enabled() {
			region = r.Name
		}
	}
	err := Detectors().Collect(context.Background(), collecttest.Target(o, a, region), func(inventory.Record) error {
		t.Fatal("a record was emitted")
		return nil
	})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "OptInRequired" {
		t.Fatalf("err = %v, want OptInRequired", err)
	}
}

func TestDetectorsCallOnlyTheActionsTheyDeclare(t *testing.T) {
	o := fakeorg.New(testSpec())
	for _, a := range o.Reachable()[:4] {
		for _, region := range a.EnabledRegions() {
			collecttest.Collect(t, Detectors(), collecttest.Target(o, a, region))
		}
	}
	collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), Detectors().Actions)
}

func TestCollectorShape(t *testing.T) {
	c := Detectors()
	if c.Type != "guardduty_detector" || c.Scope != collect.Regional || c.Service != "GuardDuty" {
		t.Fatalf("collector = %s %v %s", c.Type, c.Scope, c.Service)
	}
}
