package rds

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func TestSnapshotsMatchGroundTruthInEveryRegion(t *testing.T) {
	sp := testSpec()
	sp.Accounts = 16
	o := fakeorg.New(sp)
	var all []inventory.Record
	automated, orphans := 0, 0
	for _, a := range o.Reachable() {
		for _, region := range a.EnabledRegions() {
			got := collecttest.Collect(t, Snapshots(), collecttest.Target(o, a, region))
			collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, region, inventory.RDSSnapshot))
			all = append(all, got...)
			r, _ := a.Region(region)
			for _, sn := range r.RDS.Snapshots {
				if sn.Type == "automated" {
					automated++
				}
			}
			instances := map[string]bool{}
			for _, db := range r.RDS.Instances {
				instances[db.ID] = true
			}
			for _, rec := range got {
				if !instances[rec.Attributes["instance_id"].(string)] {
					orphans++
				}
			}
		}
	}
	if automated == 0 {
		t.Fatal("no automated snapshots: the SnapshotType filter is not exercised")
	}
	// The organization exercises every case the collector must handle.
	cases := map[string]func(a map[string]any) bool{
		"public":               func(a map[string]any) bool { return a["public"] == true },
		"private":              func(a map[string]any) bool { return a["public"] == false },
		"shared with accounts": func(a map[string]any) bool { s, _ := a["shared_with_accounts"].([]string); return len(s) > 0 },
		"shared with none":     func(a map[string]any) bool { s, ok := a["shared_with_accounts"].([]string); return ok && len(s) == 0 },
		"unencrypted":          func(a map[string]any) bool { return a["encrypted"] == false },
		"encrypted with a key": func(a map[string]any) bool { return a["encrypted"] == true && a["kms_key_id"] != nil },
		"unreadable":           func(a map[string]any) bool { return a["unreadable"] != nil && a["public"] == nil },
	}
	counts := map[string]int{}
	for _, r := range all {
		for name, f := range cases {
			if f(r.Attributes) {
				counts[name]++
			}
		}
	}
	for name := range cases {
		if counts[name] == 0 {
			t.Errorf("no snapshot is %s in %d records", name, len(all))
		}
	}
	if orphans == 0 {
		t.Error("no snapshot of a deleted instance")
	}
	if counts["public"]*4 > len(all) || counts["unreadable"]*4 > len(all) {
		t.Errorf("unhealthy cases dominate: %v of %d", counts, len(all))
	}
	t.Logf("%d snapshots (%d of deleted instances), cases %v", len(all), orphans, counts)
}

func TestSnapshotsDeclareExactlyTheActionsTheyCall(t *testing.T) {
	o := fakeorg.New(testSpec())
	c := Snapshots()
	n := 0
	for _, a := range o.Reachable()[:3] {
		for _, region := range a.EnabledRegions() {
			n += len(collecttest.Collect(t, c, collecttest.Target(o, a, region)))
		}
	}
	if n == 0 {
		t.Fatal("no snapshots: DescribeDBSnapshotAttributes was never called")
	}
	collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), c.Actions)
	if c.Type != "rds_snapshot" || c.Scope != collect.Regional || c.Service != "RDS" {
		t.Errorf("collector = %s %v %s", c.Type, c.Scope, c.Service)
	}
}

// pagedSnapshots counts DescribeDBSnapshots pages, checks the collector
// asks for manual snapshots only, and can ask for smaller pages.
type pagedSnapshots struct {
	snapshotsAPI
	t     *testing.T
	max   *int32
	pages int
}

func (p *pagedSnapshots) DescribeDBSnapshots(ctx context.Context, in *awsrds.DescribeDBSnapshotsInput, opts ...func(*awsrds.Options)) (*awsrds.DescribeDBSnapshotsOutput, error) {
	p.pages++
	if aws.ToString(in.SnapshotType) != "manual" {
		p.t.Errorf("SnapshotType = %q, want manual", aws.ToString(in.SnapshotType))
	}
	if p.max != nil {
		cp := *in
		cp.MaxRecords = p.max
		in = &cp
	}
	return p.snapshotsAPI.DescribeDBSnapshots(ctx, in, opts...)
}

func TestSnapshotsFollowMarkersAcrossPages(t *testing.T) {
	sp := testSpec()
	sp.Accounts, sp.Regions, sp.Denied, sp.Suspended, sp.OptOut = 2, 1, 0, 0, 0
	sp.Scale = 100
	o := fakeorg.New(sp)
	a := o.Accounts[0]
	tg := collecttest.Target(o, a, a.EnabledRegions()[0])
	want := o.ExpectedFor(a.ID, tg.Region, inventory.RDSSnapshot)
	for _, max := range []*int32{nil, aws.Int32(20)} {
		size := 100
		if max != nil {
			size = int(*max)
		}
		if len(want) <= size {
			t.Fatalf("only %d snapshots: raise the scale so more than one page exists", len(want))
		}
		api := &pagedSnapshots{snapshotsAPI: awsrds.NewFromConfig(tg.AWS), t: t, max: max}
		got := collecttest.Emitted(t, func(e collect.Emit) error { return collectSnapshots(context.Background(), tg, api, e) })
		if wantPages := (len(want) + size - 1) / size; api.pages != wantPages {
			t.Errorf("page size %d: %d pages, want %d", size, api.pages, wantPages)
		}
		collecttest.AssertRecords(t, got, want)
	}
}

// attributeFaults answers DescribeDBSnapshotAttributes with an error for
// chosen snapshots, as RDS does when an SCP denies the read or the snapshot
// was deleted after it was listed.
type attributeFaults struct {
	snapshotsAPI
	codes map[string]string // snapshot ID -> error code
}

func (f attributeFaults) DescribeDBSnapshotAttributes(ctx context.Context, in *awsrds.DescribeDBSnapshotAttributesInput, opts ...func(*awsrds.Options)) (*awsrds.DescribeDBSnapshotAttributesOutput, error) {
	if code, ok := f.codes[aws.ToString(in.DBSnapshotIdentifier)]; ok {
		return nil, &smithy.GenericAPIError{Code: code, Message: code}
	}
	return f.snapshotsAPI.DescribeDBSnapshotAttributes(ctx, in, opts...)
}

func TestSnapshotAttributeFaults(t *testing.T) {
	o := fakeorg.New(testSpec())
	var a *fakeorg.Account
	var region string
	var want []inventory.Record
	for _, x := range o.Reachable() {
		for _, r := range x.EnabledRegions() {
			if w := o.ExpectedFor(x.ID, r, inventory.RDSSnapshot); len(w) >= 3 && a == nil {
				a, region, want = x, r, w
			}
		}
	}
	if a == nil {
		t.Fatal("no region with 3 manual snapshots")
	}
	tg := collecttest.Target(o, a, region)
	api := awsrds.NewFromConfig(tg.AWS)
	denied, gone := want[0].ResourceID, want[1].ResourceID

	got := collecttest.Emitted(t, func(e collect.Emit) error {
		return collectSnapshots(context.Background(), tg, attributeFaults{api, map[string]string{denied: "AccessDenied", gone: "DBSnapshotNotFound"}}, e)
	})
	deniedRec := want[0]
	deniedRec.Attributes = copyAttrs(want[0].Attributes)
	delete(deniedRec.Attributes, "public")
	delete(deniedRec.Attributes, "shared_with_accounts")
	deniedRec.Attributes["unreadable"] = []string{"DescribeDBSnapshotAttributes"}
	collecttest.AssertRecords(t, got, append([]inventory.Record{deniedRec}, want[2:]...))

	err := collectSnapshots(context.Background(), tg, attributeFaults{api, map[string]string{denied: "InternalFailure"}},
		func(inventory.Record) error { return nil })
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InternalFailure" {
		t.Fatalf("err = %v, want the InternalFailure wrapped", err)
	}
}

func copyAttrs(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestRestoreAttrs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		res    *rdstypes.DBSnapshotAttributesResult
		public bool
		shared []string
	}{
		{"no result", nil, false, []string{}},
		{"not shared", &rdstypes.DBSnapshotAttributesResult{DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{
			{AttributeName: aws.String("restore"), AttributeValues: []string{}}}}, false, []string{}},
		{"public and shared", &rdstypes.DBSnapshotAttributesResult{DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{
			{AttributeName: aws.String("restore"), AttributeValues: []string{"all", "222222222222", "111111111111"}}}},
			true, []string{"111111111111", "222222222222"}},
		{"another attribute", &rdstypes.DBSnapshotAttributesResult{DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{
			{AttributeName: aws.String("other"), AttributeValues: []string{"all"}}}}, false, []string{}},
	} {
		a := map[string]any{}
		restoreAttrs(a, tc.res)
		if a["public"] != tc.public || !slices.Equal(a["shared_with_accounts"].([]string), tc.shared) {
			t.Errorf("%s: public %v shared %v, want %v %v", tc.name, a["public"], a["shared_with_accounts"], tc.public, tc.shared)
		}
	}
}
