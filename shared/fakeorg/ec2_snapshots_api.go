package fakeorg

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2SecurityHandlers answer the EBS snapshot and encryption-by-default
// calls (their model is in ec2_snapshots.go). All are non-mutating EC2
// calls: they draw from the EC2.Describe throttle bucket as AWS counts them.
func ec2SecurityHandlers() map[string]handler {
	return map[string]handler{
		"EC2.DescribeSnapshots":         describeSnapshots,
		"EC2.DescribeSnapshotAttribute": describeSnapshotAttribute,
		"EC2.GetEbsEncryptionByDefault": getEbsEncryptionByDefault,
		"EC2.GetEbsDefaultKmsKeyId":     getEbsDefaultKmsKeyId,
	}
}

var (
	ec2SnapshotIDRE = regexp.MustCompile(`^snap-([0-9a-f]{8}|[0-9a-f]{17})$`)
	ec2AccountIDRE  = regexp.MustCompile(`^[0-9]{12}$`)
)

// ec2OwnedSnapshot is a snapshot with the account that owns it.
type ec2OwnedSnapshot struct {
	owner string
	s     *EC2Snapshot
}

// visibleSnapshots are the snapshots DescribeSnapshots shows a caller in a
// region: its own, then those of other accounts that are public or shared
// with it (the fake has none from Amazon or the Marketplace).
func (o *Org) visibleSnapshots(a *Account, region string) []ec2OwnedSnapshot {
	var out []ec2OwnedSnapshot
	if r, ok := a.Region(region); ok {
		for _, s := range r.EC2.Snapshots {
			out = append(out, ec2OwnedSnapshot{owner: a.ID, s: s})
		}
	}
	for _, other := range o.allAccounts() {
		r, ok := other.Region(region)
		if other == a || !ok || !r.Enabled() {
			continue
		}
		for _, s := range r.EC2.Snapshots {
			if s.Public || slices.Contains(s.SharedWith, a.ID) {
				out = append(out, ec2OwnedSnapshot{owner: other.ID, s: s})
			}
		}
	}
	return out
}

// ec2Principals resolves OwnerIds or RestorableByUserIds: "self" is the
// caller, account IDs stand for themselves, aliases are kept as given.
func ec2Principals(caller string, ids []string, aliases ...string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, id := range ids {
		switch {
		case id == "self":
			out[caller] = true
		case ec2AccountIDRE.MatchString(id) || slices.Contains(aliases, id):
			out[id] = true
		default:
			return nil, apiError("InvalidUserID.Malformed", fmt.Sprintf("Invalid user id: %q", id))
		}
	}
	return out, nil
}

func describeSnapshots(o *Org, c *Call) (any, error) {
	a, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*ec2.DescribeSnapshotsInput)
	// MaxResults is 5..1000; larger values are answered as 1000.
	if in.MaxResults != nil && *in.MaxResults < 5 {
		return nil, ec2MaxResults(in.MaxResults, 1000)
	}
	if in.MaxResults != nil && len(in.SnapshotIds) > 0 {
		return nil, apiError("InvalidParameterCombination", "The parameter snapshotSet cannot be used with the parameter maxResults")
	}
	for _, id := range in.SnapshotIds {
		if !ec2SnapshotIDRE.MatchString(id) {
			return nil, apiError("InvalidSnapshotID.Malformed", fmt.Sprintf("Invalid id: %q (expecting \"snap-...\")", id))
		}
	}
	owners, err := ec2Principals(a.ID, in.OwnerIds, "amazon", "aws-marketplace", "aws-backup-vault")
	if err != nil {
		return nil, err
	}
	restorable, err := ec2Principals(a.ID, in.RestorableByUserIds, "all")
	if err != nil {
		return nil, err
	}
	var list []ec2OwnedSnapshot
	for _, v := range o.visibleSnapshots(a, r.Name) {
		if len(owners) > 0 && !owners[v.owner] {
			continue
		}
		if len(restorable) > 0 && !ec2RestorableBy(v, restorable) {
			continue
		}
		list = append(list, v)
	}
	list, err = ec2ByID(list, in.SnapshotIds, func(v ec2OwnedSnapshot) string { return v.s.ID }, "InvalidSnapshot.NotFound", "snapshot")
	if err != nil {
		return nil, err
	}
	list, err = ec2Filter(list, in.Filters, ec2SnapshotField)
	if err != nil {
		return nil, err
	}
	// Without MaxResults (and NextToken) AWS answers every snapshot at once;
	// paginated requests get pages no larger than asked.
	items, next := list, (*string)(nil)
	if in.MaxResults != nil || in.NextToken != nil {
		if items, next, err = page(list, in.NextToken, in.MaxResults, ec2DefaultPage); err != nil {
			return nil, err
		}
	}
	out := &ec2.DescribeSnapshotsOutput{NextToken: next, Snapshots: make([]ec2types.Snapshot, 0, len(items))}
	for _, v := range items {
		out.Snapshots = append(out.Snapshots, ec2SnapshotOut(v, v.owner == a.ID))
	}
	return out, nil
}

// ec2RestorableBy reports whether any of the principals may create volumes
// from the snapshot: its owner, an account it is shared with, anyone when
// it is public ("all" asks for public snapshots only).
func ec2RestorableBy(v ec2OwnedSnapshot, principals map[string]bool) bool {
	for p := range principals {
		if p == "all" {
			if v.s.Public {
				return true
			}
			continue
		}
		if p == v.owner || v.s.Public || slices.Contains(v.s.SharedWith, p) {
			return true
		}
	}
	return false
}

func ec2SnapshotField(v ec2OwnedSnapshot, name string) ([]string, bool) {
	s := v.s
	switch name {
	case "description":
		return []string{s.Description}, true
	case "encrypted":
		return []string{fmt.Sprint(s.Encrypted)}, true
	case "owner-alias":
		return nil, true
	case "owner-id":
		return []string{v.owner}, true
	case "progress":
		return []string{s.Progress}, true
	case "snapshot-id":
		return []string{s.ID}, true
	case "start-time":
		return []string{s.Started.UTC().Format("2006-01-02T15:04:05.000Z")}, true
	case "status":
		return []string{s.State}, true
	case "storage-tier":
		return []string{s.StorageTier}, true
	case "transfer-type":
		return []string{"standard"}, true
	case "volume-id":
		return []string{s.VolumeID}, true
	case "volume-size":
		return []string{fmt.Sprint(s.SizeGB)}, true
	}
	return ec2TagField(s.Tags, name)
}

// ec2SnapshotOut renders a snapshot; tags are the owner's and are not shown
// to the accounts it is shared with.
func ec2SnapshotOut(v ec2OwnedSnapshot, own bool) ec2types.Snapshot {
	s := v.s
	out := ec2types.Snapshot{
		SnapshotId: aws.String(s.ID), VolumeId: aws.String(s.VolumeID), VolumeSize: aws.Int32(int32(s.SizeGB)),
		State: ec2types.SnapshotState(s.State), Progress: aws.String(s.Progress), StartTime: aws.Time(s.Started),
		OwnerId: aws.String(v.owner), Description: aws.String(s.Description), Encrypted: aws.Bool(s.Encrypted),
		StorageTier: ec2types.StorageTier(s.StorageTier),
	}
	if s.Encrypted {
		out.KmsKeyId = aws.String(s.KMSKey)
	}
	if s.State == "error" {
		out.StateMessage = aws.String("Snapshot creation failed due to an internal error.")
	}
	if own {
		out.Tags = ec2Tags(s.Tags)
	}
	return out
}

func describeSnapshotAttribute(o *Org, c *Call) (any, error) {
	a, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*ec2.DescribeSnapshotAttributeInput)
	id := aws.ToString(in.SnapshotId)
	if !ec2SnapshotIDRE.MatchString(id) {
		return nil, apiError("InvalidSnapshotID.Malformed", fmt.Sprintf("Invalid id: %q (expecting \"snap-...\")", id))
	}
	// Only the owner may read a snapshot's attributes; the fake answers
	// any other snapshot as not found.
	i := slices.IndexFunc(r.EC2.Snapshots, func(s *EC2Snapshot) bool { return s.ID == id })
	if i < 0 {
		return nil, apiError("InvalidSnapshot.NotFound", fmt.Sprintf("The snapshot '%s' does not exist.", id))
	}
	s := r.EC2.Snapshots[i]
	if s.AttributeDenied {
		return nil, apiError("UnauthorizedOperation", fmt.Sprintf(
			"You are not authorized to perform this operation. User: arn:aws:sts::%s:assumed-role/%s/inventory is not authorized to perform: ec2:DescribeSnapshotAttribute on resource: arn:aws:ec2:%s::snapshot/%s with an explicit deny in a service control policy",
			a.ID, o.Spec.MemberRole, r.Name, id))
	}
	switch in.Attribute {
	case ec2types.SnapshotAttributeNameCreateVolumePermission:
		perms := []ec2types.CreateVolumePermission{}
		if s.Public {
			perms = append(perms, ec2types.CreateVolumePermission{Group: ec2types.PermissionGroupAll})
		}
		for _, acct := range s.SharedWith {
			perms = append(perms, ec2types.CreateVolumePermission{UserId: aws.String(acct)})
		}
		return &ec2.DescribeSnapshotAttributeOutput{SnapshotId: aws.String(id), CreateVolumePermissions: perms}, nil
	case ec2types.SnapshotAttributeNameProductCodes:
		return &ec2.DescribeSnapshotAttributeOutput{SnapshotId: aws.String(id), ProductCodes: []ec2types.ProductCode{}}, nil
	}
	return nil, apiError("InvalidParameterValue", fmt.Sprintf("Value (%s) for parameter attribute is invalid. Unknown attribute.", in.Attribute))
}

func getEbsEncryptionByDefault(o *Org, c *Call) (any, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	return &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(r.EC2.EBSEncryptionByDefault)}, nil
}

func getEbsDefaultKmsKeyId(o *Org, c *Call) (any, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	key := r.EC2.EBSDefaultKMSKey
	if key == "" {
		key = ec2AWSManagedEBSKey
	}
	return &ec2.GetEbsDefaultKmsKeyIdOutput{KmsKeyId: aws.String(key)}, nil
}
