package fakeorg

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestEBSSnapshotModelIsConsistent(t *testing.T) {
	o := New(testSpec())
	now := o.Spec.Now
	seen := map[string]bool{}
	for _, a := range o.Accounts {
		for _, r := range a.Regions {
			if !r.Enabled() {
				continue
			}
			vols := map[string]*EC2Volume{}
			for _, v := range r.EC2.Volumes {
				vols[v.ID] = v
			}
			if k := r.EC2.EBSDefaultKMSKey; k != "" && !strings.HasPrefix(k, "arn:aws:kms:"+r.Name+":"+a.ID+":key/") {
				t.Errorf("%s/%s: default key %q is not a key of the account region", a.ID, r.Name, k)
			}
			for _, s := range r.EC2.Snapshots {
				if !ec2IDFormat.MatchString(s.ID) || seen[s.ID] {
					t.Errorf("snapshot ID %q is malformed or not unique", s.ID)
				}
				seen[s.ID] = true
				if s.Encrypted != (s.KMSKey != "") || s.Started.After(now) || s.SizeGB <= 0 {
					t.Errorf("%s: %+v", s.ID, s)
				}
				if s.Public && (s.Encrypted || s.State != "completed") {
					t.Errorf("%s is public but encrypted or not completed", s.ID)
				}
				if len(s.SharedWith) > 0 && (s.KMSKey == r.EC2.awsManagedKey || s.State != "completed") {
					t.Errorf("%s is shared but encrypted with the AWS managed key or not completed", s.ID)
				}
				if !slices.IsSorted(s.SharedWith) || slices.Contains(s.SharedWith, a.ID) || len(slices.Compact(slices.Clone(s.SharedWith))) != len(s.SharedWith) {
					t.Errorf("%s: shared with %v", s.ID, s.SharedWith)
				}
				for _, id := range s.SharedWith {
					if !ec2AccountIDRE.MatchString(id) {
						t.Errorf("%s: shared with %q", s.ID, id)
					}
				}
				if (s.State == "completed") != (s.Progress == "100%") || s.StorageTier == "archive" && s.State != "completed" {
					t.Errorf("%s: state %s, progress %s, tier %s", s.ID, s.State, s.Progress, s.StorageTier)
				}
				if s.AttributeDenied != (s.Tags["DataClassification"] == "restricted") {
					t.Errorf("%s: denied %v with tags %v", s.ID, s.AttributeDenied, s.Tags)
				}
				if v := vols[s.VolumeID]; v != nil && (v.SizeGB != s.SizeGB || v.Encrypted != s.Encrypted || v.KMSKey != s.KMSKey || s.Started.Before(v.Created)) {
					t.Errorf("%s does not match its volume %s", s.ID, v.ID)
				}
			}
		}
	}
}

func TestEBSSecurityGeneratesRealisticProportions(t *testing.T) {
	sp := testSpec()
	sp.Accounts, sp.Regions = 42, 3
	o := New(sp)
	var regions, snaps, enc, public, shared, denied, copies, prodRegions, prodOn, otherRegions, otherOn, on, cmk int
	for _, a := range o.Accounts {
		for _, r := range a.Regions {
			if !r.Enabled() {
				continue
			}
			regions++
			if ec2AccountEnv(a) == "prod" {
				prodRegions++
				prodOn += b2i(r.EC2.EBSEncryptionByDefault)
			} else {
				otherRegions++
				otherOn += b2i(r.EC2.EBSEncryptionByDefault)
			}
			if r.EC2.EBSEncryptionByDefault {
				on++
				cmk += b2i(r.EC2.EBSDefaultKMSKey != "")
			}
			for _, s := range r.EC2.Snapshots {
				snaps++
				enc += b2i(s.Encrypted)
				public += b2i(s.Public)
				shared += b2i(len(s.SharedWith) > 0)
				denied += b2i(s.AttributeDenied)
				copies += b2i(s.VolumeID == ec2CopiedVolume)
			}
		}
	}
	share := func(n, of int) float64 { return float64(n) / float64(of) }
	for _, c := range []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"snapshots per region", share(snaps, regions), 3, 5},
		{"encrypted snapshots", share(enc, snaps), 0.6, 0.9},
		{"public snapshots", share(public, snaps), 0.01, 0.08},
		{"shared snapshots", share(shared, snaps), 0.03, 0.12},
		{"snapshots whose attribute is denied", share(denied, snaps), 0.01, 0.1},
		{"copied snapshots", share(copies, snaps), 0.04, 0.16},
		{"encryption by default in production regions", share(prodOn, prodRegions), 0.6, 0.9},
		{"encryption by default elsewhere", share(otherOn, otherRegions), 0.1, 0.5},
		{"customer managed default key where enabled", share(cmk, on), 0.15, 0.55},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.2f, want %.2f..%.2f", c.what, c.got, c.lo, c.hi)
		}
	}
}

// ebsCaller is a healthy account that owns at least one snapshot, in the
// region where another account shares one with it.
func ebsCaller(t *testing.T, o *Org) (*Account, *Region) {
	t.Helper()
	for _, a := range ec2Healthy(o) {
		for _, r := range a.Regions {
			if !r.Enabled() || len(r.EC2.Snapshots) == 0 {
				continue
			}
			for _, v := range o.visibleSnapshots(a, r.Name) {
				if v.owner != a.ID && slices.Contains(v.s.SharedWith, a.ID) {
					return a, r
				}
			}
		}
	}
	t.Fatal("no account has a snapshot shared with it")
	return nil, nil
}

func ebsClient(o *Org, a *Account, r *Region) *ec2.Client {
	return ec2.NewFromConfig(o.MemberConfig(a.ID, r.Name), func(op *ec2.Options) { op.RetryMaxAttempts = 1 })
}

func TestDescribeSnapshotsListsWhatTheCallerMaySee(t *testing.T) {
	o := New(testSpec())
	a, r := ebsCaller(t, o)
	c, ctx := ebsClient(o, a, r), context.Background()
	ids := func(in *ec2.DescribeSnapshotsInput) (own, others []string, pages int) {
		p := ec2.NewDescribeSnapshotsPaginator(c, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, s := range out.Snapshots {
				if aws.ToString(s.OwnerId) == a.ID {
					own = append(own, aws.ToString(s.SnapshotId))
				} else {
					others = append(others, aws.ToString(s.SnapshotId))
					if len(s.Tags) > 0 {
						t.Errorf("%s of another account shows its owner's tags", aws.ToString(s.SnapshotId))
					}
				}
			}
		}
		return own, others, pages
	}
	var want []string
	for _, s := range r.EC2.Snapshots {
		want = append(want, s.ID)
	}
	own, others, pages := ids(&ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, MaxResults: aws.Int32(5)})
	if !reflect.DeepEqual(own, want) || len(others) > 0 {
		t.Errorf("OwnerIds self: own %v, others %v; want %v", own, others, want)
	}
	if wantPages := (len(want) + 4) / 5; pages != max(1, wantPages) {
		t.Errorf("%d pages of 5 for %d snapshots", pages, len(want))
	}
	own, others, pages = ids(&ec2.DescribeSnapshotsInput{})
	if !reflect.DeepEqual(own, want) || len(others) == 0 || pages != 1 {
		t.Errorf("unfiltered and unpaginated: own %v, others %v in %d pages", own, others, pages)
	}
	for _, v := range o.visibleSnapshots(a, r.Name) {
		if v.owner != a.ID && !v.s.Public && !slices.Contains(v.s.SharedWith, a.ID) {
			t.Errorf("%s of %s is visible without permission", v.s.ID, v.owner)
		}
	}
	if own, _, _ = ids(&ec2.DescribeSnapshotsInput{OwnerIds: []string{"amazon"}}); len(own) > 0 {
		t.Errorf("OwnerIds amazon answered %v", own)
	}
	enc, _, _ := ids(&ec2.DescribeSnapshotsInput{OwnerIds: []string{a.ID}, Filters: []ec2types.Filter{{Name: aws.String("encrypted"), Values: []string{"true"}}}})
	n := 0
	for _, s := range r.EC2.Snapshots {
		n += b2i(s.Encrypted)
	}
	if len(enc) != n {
		t.Errorf("encrypted=true: %d snapshots, want %d", len(enc), n)
	}
}

func TestSnapshotCallsRejectWhatAWSRejects(t *testing.T) {
	o := New(testSpec())
	a, r := ebsCaller(t, o)
	c, ctx := ebsClient(o, a, r), context.Background()
	known := r.EC2.Snapshots[0].ID
	var foreign string
	for _, v := range o.visibleSnapshots(a, r.Name) {
		if v.owner != a.ID {
			foreign = v.s.ID
		}
	}
	attr := func(id string) func() error {
		return func() error {
			_, err := c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(id), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
			return err
		}
	}
	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"MaxResults below 5", func() error {
			_, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{MaxResults: aws.Int32(4)})
			return err
		}, "InvalidParameterValue"},
		{"MaxResults with snapshot IDs", func() error {
			_, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{MaxResults: aws.Int32(5), SnapshotIds: []string{known}})
			return err
		}, "InvalidParameterCombination"},
		{"unknown snapshot", func() error {
			_, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{"snap-0000000000000000f"}})
			return err
		}, "InvalidSnapshot.NotFound"},
		{"malformed snapshot ID", func() error {
			_, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{"vol-0123"}})
			return err
		}, "InvalidSnapshotID.Malformed"},
		{"malformed owner", func() error {
			_, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"me"}})
			return err
		}, "InvalidUserID.Malformed"},
		{"unknown filter", func() error {
			_, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"red"}}}})
			return err
		}, "InvalidParameterValue"},
		{"attribute of an unknown snapshot", attr("snap-0000000000000000f"), "InvalidSnapshot.NotFound"},
		{"attribute of another account's snapshot", attr(foreign), "InvalidSnapshot.NotFound"},
		{"attribute of a malformed ID", attr("snap-xyz"), "InvalidSnapshotID.Malformed"},
		{"unknown attribute", func() error {
			_, err := c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(known), Attribute: "colour"})
			return err
		}, "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ec2Code(tc.call()); got != tc.code {
				t.Fatalf("error code %q, want %q", got, tc.code)
			}
		})
	}
}

func TestSnapshotAttributeIsDeniedOnRestrictedSnapshots(t *testing.T) {
	o := New(testSpec())
	for _, a := range ec2Healthy(o) {
		for _, r := range a.Regions {
			for _, s := range r.EC2.Snapshots {
				if !s.AttributeDenied {
					continue
				}
				_, err := ebsClient(o, a, r).DescribeSnapshotAttribute(context.Background(), &ec2.DescribeSnapshotAttributeInput{
					SnapshotId: aws.String(s.ID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
				if got := ec2Code(err); got != "UnauthorizedOperation" {
					t.Fatalf("%s: error code %q, want UnauthorizedOperation", s.ID, got)
				}
				return
			}
		}
	}
	t.Fatal("no snapshot is restricted: nothing was proven")
}

func TestSnapshotAttributeAndDefaultEncryptionAnswerTheModel(t *testing.T) {
	o := New(testSpec())
	ctx := context.Background()
	var public, shared, on, off int
	for _, a := range ec2Healthy(o)[:6] {
		for _, r := range a.Regions {
			if !r.Enabled() {
				continue
			}
			c := ebsClient(o, a, r)
			for _, s := range r.EC2.Snapshots {
				if s.AttributeDenied {
					continue
				}
				out, err := c.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: aws.String(s.ID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
				if err != nil {
					t.Fatal(err)
				}
				gotPublic, gotShared := false, []string{}
				for _, p := range out.CreateVolumePermissions {
					gotPublic = gotPublic || p.Group == ec2types.PermissionGroupAll
					if p.UserId != nil {
						gotShared = append(gotShared, *p.UserId)
					}
				}
				if gotPublic != s.Public || !slices.Equal(gotShared, s.SharedWith) || aws.ToString(out.SnapshotId) != s.ID {
					t.Errorf("%s: public %v shared %v, want %v %v", s.ID, gotPublic, gotShared, s.Public, s.SharedWith)
				}
				public += b2i(gotPublic)
				shared += b2i(len(gotShared) > 0)
			}
			enc, err := c.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
			if err != nil || aws.ToBool(enc.EbsEncryptionByDefault) != r.EC2.EBSEncryptionByDefault {
				t.Fatalf("%s/%s: GetEbsEncryptionByDefault %v, %v", a.ID, r.Name, enc, err)
			}
			key, err := c.GetEbsDefaultKmsKeyId(ctx, &ec2.GetEbsDefaultKmsKeyIdInput{})
			if want := cmp(r.EC2.EBSDefaultKMSKey, "alias/aws/ebs"); err != nil || aws.ToString(key.KmsKeyId) != want {
				t.Fatalf("%s/%s: GetEbsDefaultKmsKeyId %v, %v; want %s", a.ID, r.Name, key, err, want)
			}
			on += b2i(r.EC2.EBSEncryptionByDefault)
			off += b2i(!r.EC2.EBSEncryptionByDefault)
		}
	}
	if public == 0 || shared == 0 || on == 0 || off == 0 {
		t.Fatalf("public %d, shared %d, default on %d, off %d: every case must occur", public, shared, on, off)
	}
}

func cmp(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

func TestEBSSecurityTruthFollowsTheModel(t *testing.T) {
	o := New(testSpec())
	for _, a := range ec2Healthy(o) {
		for _, r := range a.Regions {
			recs := o.testExpectedEC2Security(a.ID, r.Name)
			if !r.Enabled() {
				if recs != nil {
					t.Errorf("%s/%s is not enabled but has records", a.ID, r.Name)
				}
				continue
			}
			if len(recs) != len(r.EC2.Snapshots)+1 {
				t.Fatalf("%s/%s: %d records for %d snapshots", a.ID, r.Name, len(recs), len(r.EC2.Snapshots))
			}
			last := recs[len(recs)-1]
			if last.ResourceType != "ebs_default_encryption" || last.ResourceID != r.Name || last.Attributes["enabled"] != r.EC2.EBSEncryptionByDefault {
				t.Errorf("default encryption record %+v", last)
			}
			for i, s := range r.EC2.Snapshots {
				at := recs[i].Attributes
				if _, known := at["public"]; known == s.AttributeDenied || (at["unreadable"] != nil) != s.AttributeDenied {
					t.Errorf("%s: attributes %v with attribute denied %v", s.ID, at, s.AttributeDenied)
				}
				if _, has := at["volume_id"]; has == (s.VolumeID == ec2CopiedVolume) {
					t.Errorf("%s: volume_id %v for volume %s", s.ID, at["volume_id"], s.VolumeID)
				}
			}
		}
	}
}
