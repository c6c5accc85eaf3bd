package ec2

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// securityTruth is the ground truth of one of this package's security
// types in the target's account region.
func securityTruth(o *fakeorg.Org, tgt collect.Target, typ string) []inventory.Record {
	return o.ExpectedFor(tgt.AccountID, tgt.Region, typ)
}

// securitySpec is testSpec with enough accounts for every case of the
// security types (a denied attribute, a customer managed default key) to occur.
func securitySpec() fakeorg.Spec {
	sp := testSpec()
	sp.Accounts = 16
	return sp
}

// everyRegion runs fn on every enabled region of every reachable account.
func everyRegion(o *fakeorg.Org, fn func(tgt collect.Target)) {
	for _, a := range o.Reachable() {
		for _, region := range a.EnabledRegions() {
			fn(collecttest.Target(o, a, region))
		}
	}
}

func TestSnapshotsEmitTheGroundTruth(t *testing.T) {
	o := fakeorg.New(securitySpec())
	cases := map[string]int{}
	everyRegion(o, func(tgt collect.Target) {
		got := collecttest.Collect(t, Snapshots(), tgt)
		collecttest.AssertRecords(t, got, securityTruth(o, tgt, typeEBSSnapshot))
		for _, r := range got {
			a := r.Attributes
			cases["encrypted"] += b2i(a["encrypted"] == true)
			cases["unencrypted"] += b2i(a["encrypted"] == false)
			cases["public"] += b2i(a["public"] == true)
			shared, _ := inventory.Strings(a["shared_with_accounts"])
			cases["shared"] += b2i(len(shared) > 0)
			cases["unreadable"] += b2i(a["unreadable"] != nil)
			cases["copy (no volume)"] += b2i(a["volume_id"] == nil)
		}
	})
	for _, c := range []string{"encrypted", "unencrypted", "public", "shared", "unreadable", "copy (no volume)"} {
		if cases[c] == 0 {
			t.Errorf("no %s snapshot in the organization: %v", c, cases)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSecurityCollectorsCallOnlyTheActionsTheyDeclare(t *testing.T) {
	for _, c := range []collect.Collector{Snapshots(), DefaultEncryption()} {
		t.Run(c.Type, func(t *testing.T) {
			o := fakeorg.New(testSpec())
			for _, a := range o.Reachable()[:2] {
				collecttest.Collect(t, c, collecttest.Target(o, a, a.Regions[0].Name))
			}
			collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), c.Actions)
		})
	}
}

// snapshotStub wraps the fake's client: it counts listing calls and can
// answer the attribute call itself.
type snapshotStub struct {
	*awsec2.Client
	lists *counter
	attr  func(id string) error // nil: ask the fake
}

func (s snapshotStub) DescribeSnapshots(ctx context.Context, in *awsec2.DescribeSnapshotsInput, opt ...func(*awsec2.Options)) (*awsec2.DescribeSnapshotsOutput, error) {
	s.lists.inc()
	return s.Client.DescribeSnapshots(ctx, in, opt...)
}

func (s snapshotStub) DescribeSnapshotAttribute(ctx context.Context, in *awsec2.DescribeSnapshotAttributeInput, opt ...func(*awsec2.Options)) (*awsec2.DescribeSnapshotAttributeOutput, error) {
	if s.attr != nil {
		if err := s.attr(aws.ToString(in.SnapshotId)); err != nil {
			return nil, err
		}
	}
	return s.Client.DescribeSnapshotAttribute(ctx, in, opt...)
}

// busyRegion is a target whose region holds more than one page of
// snapshots (the fake's pages hold 5).
func busyRegion(t *testing.T, o *fakeorg.Org) collect.Target {
	t.Helper()
	var found *collect.Target
	everyRegion(o, func(tgt collect.Target) {
		if found == nil && len(securityTruth(o, tgt, typeEBSSnapshot)) > 5 {
			found = &tgt
		}
	})
	if found == nil {
		t.Fatal("no region has more than one page of snapshots")
	}
	return *found
}

func stubFor(tgt collect.Target, attr func(string) error) snapshotStub {
	return snapshotStub{Client: awsec2.NewFromConfig(tgt.AWS), lists: &counter{}, attr: attr}
}

func TestSnapshotListingFollowsEveryPage(t *testing.T) {
	o := fakeorg.New(testSpec())
	tgt := busyRegion(t, o)
	api := stubFor(tgt, nil)
	got := collecttest.Emitted(t, func(emit collect.Emit) error { return collectSnapshots(context.Background(), tgt, api, emit) })
	if api.lists.n < 2 {
		t.Fatalf("%d listing call(s) for %d snapshots: the paginator never paged", api.lists.n, len(got))
	}
	collecttest.AssertRecords(t, got, securityTruth(o, tgt, typeEBSSnapshot))
}

func apiErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: code + " (test)", Fault: smithy.FaultClient}
}

func TestDeniedSnapshotAttributeLeavesSharingUnknown(t *testing.T) {
	o := fakeorg.New(testSpec())
	tgt := busyRegion(t, o)
	api := stubFor(tgt, func(string) error { return apiErr("UnauthorizedOperation") })
	got := collecttest.Emitted(t, func(emit collect.Emit) error { return collectSnapshots(context.Background(), tgt, api, emit) })
	// Every snapshot is still recorded, with what DescribeSnapshots told.
	want := securityTruth(o, tgt, typeEBSSnapshot)
	for i, r := range want {
		a := maps.Clone(r.Attributes)
		delete(a, "public")
		delete(a, "shared_with_accounts")
		a["unreadable"] = []string{"DescribeSnapshotAttribute"}
		want[i].Attributes = a
	}
	collecttest.AssertRecords(t, got, want)
}

func TestSnapshotDeletedAfterListingIsNotRecorded(t *testing.T) {
	o := fakeorg.New(testSpec())
	tgt := busyRegion(t, o)
	want := securityTruth(o, tgt, typeEBSSnapshot)
	gone := want[2].ResourceID
	api := stubFor(tgt, func(id string) error {
		if id == gone {
			return apiErr("InvalidSnapshot.NotFound")
		}
		return nil
	})
	got := collecttest.Emitted(t, func(emit collect.Emit) error { return collectSnapshots(context.Background(), tgt, api, emit) })
	collecttest.AssertRecords(t, got, append(want[:2:2], want[3:]...))
}

func TestSnapshotAttributeFailureFailsTheCollection(t *testing.T) {
	o := fakeorg.New(testSpec())
	tgt := busyRegion(t, o)
	api := stubFor(tgt, func(string) error { return apiErr("InternalError") })
	err := collectSnapshots(context.Background(), tgt, api, func(inventory.Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "DescribeSnapshotAttribute") || errorCode(err) != "InternalError" {
		t.Fatalf("error %v: want the failed DescribeSnapshotAttribute", err)
	}
}

func TestSnapshotARNHasNoAccount(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-1":     "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0",
		"cn-north-1":    "arn:aws-cn:ec2:cn-north-1::snapshot/snap-0123456789abcdef0",
		"us-gov-west-1": "arn:aws-us-gov:ec2:us-gov-west-1::snapshot/snap-0123456789abcdef0",
	} {
		if got := snapshotARN(collect.Target{AccountID: "123456789012", Region: region}, "snap-0123456789abcdef0"); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
}
