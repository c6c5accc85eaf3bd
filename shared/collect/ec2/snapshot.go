package ec2

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Resource types of this file and ebs_default.go (the inventory package
// names them when they are registered).
const (
	typeEBSSnapshot          = inventory.EBSSnapshot
	typeEBSDefaultEncryption = inventory.EBSDefaultEncryption
)

// SnapshotAPI is the EC2 calls Snapshots makes.
type SnapshotAPI interface {
	DescribeSnapshots(ctx context.Context, in *awsec2.DescribeSnapshotsInput, optFns ...func(*awsec2.Options)) (*awsec2.DescribeSnapshotsOutput, error)
	DescribeSnapshotAttribute(ctx context.Context, in *awsec2.DescribeSnapshotAttributeInput, optFns ...func(*awsec2.Options)) (*awsec2.DescribeSnapshotAttributeOutput, error)
}

// Snapshots collects the EBS snapshots the account owns (ebs_snapshot) and
// who else may create volumes from them: public (group "all") or shared
// with other accounts.
func Snapshots() collect.Collector {
	return collect.Collector{
		Type: typeEBSSnapshot, Service: service, Scope: collect.Regional,
		Actions: []string{"ec2:DescribeSnapshotAttribute", "ec2:DescribeSnapshots"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectSnapshots(ctx, t, awsec2.NewFromConfig(t.AWS), emit)
		},
	}
}

func collectSnapshots(ctx context.Context, t collect.Target, api SnapshotAPI, emit collect.Emit) error {
	// OwnerIds self: without it AWS also lists every public snapshot in the
	// region and those shared with the account. 1000 is the largest page.
	p := awsec2.NewDescribeSnapshotsPaginator(api, &awsec2.DescribeSnapshotsInput{
		OwnerIds: []string{"self"}, MaxResults: aws.Int32(1000),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return failed(t, "ec2 DescribeSnapshots", err)
		}
		for _, s := range page.Snapshots {
			id := aws.ToString(s.SnapshotId)
			attrs := snapshotAttrs(s)
			perm, err := api.DescribeSnapshotAttribute(ctx, &awsec2.DescribeSnapshotAttributeInput{
				SnapshotId: s.SnapshotId, Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
			})
			switch {
			case err == nil:
				sharing(attrs, perm.CreateVolumePermissions)
			case errorCode(err) == "InvalidSnapshot.NotFound":
				continue // deleted since it was listed: no longer inventory
			case isDenied(err):
				// The snapshot is recorded; who may use it is unknown.
				attrs["unreadable"] = []string{"DescribeSnapshotAttribute"}
			default:
				return failed(t, "ec2 DescribeSnapshotAttribute "+id, err)
			}
			if err := emit(t.Record(typeEBSSnapshot, id, snapshotARN(t, id), tagMap(s.Tags), attrs)); err != nil {
				return err
			}
		}
	}
	return nil
}

func snapshotAttrs(s ec2types.Snapshot) map[string]any {
	a := map[string]any{
		"state": string(s.State), "size_gb": int(aws.ToInt32(s.VolumeSize)), "encrypted": aws.ToBool(s.Encrypted),
	}
	setString(a, "name", nameTag(s.Tags))
	setString(a, "description", s.Description)
	// A snapshot made by CopySnapshot reports an arbitrary volume ID,
	// which names no volume.
	if v := aws.ToString(s.VolumeId); v != "vol-ffffffff" {
		setString(a, "volume_id", s.VolumeId)
	}
	setString(a, "kms_key_id", s.KmsKeyId)
	setTime(a, "start_time", s.StartTime)
	if s.StorageTier != "" {
		a["storage_tier"] = string(s.StorageTier)
	}
	return a
}

// sharing records createVolumePermission: public when the group "all" may
// create volumes, and the accounts it is shared with (sorted, [] for none).
func sharing(a map[string]any, perms []ec2types.CreateVolumePermission) {
	public, accounts := false, []string{}
	for _, p := range perms {
		if p.Group == ec2types.PermissionGroupAll {
			public = true
		}
		if id := aws.ToString(p.UserId); id != "" && !slices.Contains(accounts, id) {
			accounts = append(accounts, id)
		}
	}
	slices.Sort(accounts)
	a["public"], a["shared_with_accounts"] = public, accounts
}

// snapshotARN builds a snapshot's ARN, which has no account ID.
func snapshotARN(t collect.Target, id string) string {
	partition := "aws"
	switch {
	case strings.HasPrefix(t.Region, "cn-"):
		partition = "aws-cn"
	case strings.HasPrefix(t.Region, "us-gov-"):
		partition = "aws-us-gov"
	}
	return fmt.Sprintf("arn:%s:ec2:%s::snapshot/%s", partition, t.Region, id)
}

// errorCode is the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// isDenied reports an authorization refusal (an SCP, a permissions
// boundary): EC2 answers UnauthorizedOperation.
func isDenied(err error) bool {
	switch errorCode(err) {
	case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException":
		return true
	}
	return false
}
