package rds

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// snapshotType is the resource type of manual DB snapshots (to become an
// inventory constant).
const snapshotType = inventory.RDSSnapshot

// snapshotsAPI is the RDS calls the snapshot collector makes.
type snapshotsAPI interface {
	awsrds.DescribeDBSnapshotsAPIClient
	DescribeDBSnapshotAttributes(ctx context.Context, in *awsrds.DescribeDBSnapshotAttributesInput, optFns ...func(*awsrds.Options)) (*awsrds.DescribeDBSnapshotAttributesOutput, error)
}

// Snapshots lists the region's manual DB snapshots with who may restore
// them: a snapshot whose restore attribute holds "all" is public, and the
// account IDs in it can copy and restore it. Automated snapshots are left
// out: they cannot be shared and expire with the instance's retention.
func Snapshots() collect.Collector {
	return collect.Collector{
		Type:    snapshotType,
		Service: awsrds.ServiceID,
		Scope:   collect.Regional,
		Actions: []string{"rds:DescribeDBSnapshotAttributes", "rds:DescribeDBSnapshots"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectSnapshots(ctx, t, awsrds.NewFromConfig(t.AWS), emit)
		},
	}
}

// collectSnapshots lists manual snapshots page by page and reads each one's
// restore attribute. An attribute read that is denied (an SCP or a
// permissions boundary on the snapshot) leaves public and
// shared_with_accounts out and names the call in unreadable; a snapshot
// deleted since it was listed is skipped.
func collectSnapshots(ctx context.Context, t collect.Target, api snapshotsAPI, emit collect.Emit) error {
	p := awsrds.NewDescribeDBSnapshotsPaginator(api, &awsrds.DescribeDBSnapshotsInput{SnapshotType: aws.String("manual")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("rds DescribeDBSnapshots in account %s region %s: %w", t.AccountID, t.Region, err)
		}
		for _, sn := range page.DBSnapshots {
			id := aws.ToString(sn.DBSnapshotIdentifier)
			attrs := snapshotAttrs(sn)
			out, err := api.DescribeDBSnapshotAttributes(ctx, &awsrds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: sn.DBSnapshotIdentifier})
			switch code := errorCode(err); {
			case err == nil:
				restoreAttrs(attrs, out.DBSnapshotAttributesResult)
			case code == "DBSnapshotNotFound":
				continue
			case code == "AccessDenied" || code == "AccessDeniedException":
				attrs["unreadable"] = []string{"DescribeDBSnapshotAttributes"}
			default:
				return fmt.Errorf("rds DescribeDBSnapshotAttributes %s in account %s region %s: %w", id, t.AccountID, t.Region, err)
			}
			if err := emit(t.Record(snapshotType, id, aws.ToString(sn.DBSnapshotArn), tagMap(sn.TagList), attrs)); err != nil {
				return fmt.Errorf("emit rds_snapshot %s: %w", id, err)
			}
		}
	}
	return nil
}

func snapshotAttrs(sn rdstypes.DBSnapshot) map[string]any {
	a := attrs{}
	a.str("name", sn.DBSnapshotIdentifier)
	a.str("state", sn.Status)
	a.str("engine", sn.Engine)
	a.str("engine_version", sn.EngineVersion)
	a.str("instance_id", sn.DBInstanceIdentifier)
	a.boolean("encrypted", sn.Encrypted)
	a.str("kms_key_id", sn.KmsKeyId)
	a.integer("allocated_storage_gb", sn.AllocatedStorage)
	a.timestamp("create_time", sn.SnapshotCreateTime)
	return a
}

// restoreAttrs reads the restore attribute: "all" makes the snapshot
// public, every other value is an account it is shared with.
func restoreAttrs(a map[string]any, res *rdstypes.DBSnapshotAttributesResult) {
	public, shared := false, []string{}
	if res != nil {
		for _, at := range res.DBSnapshotAttributes {
			if aws.ToString(at.AttributeName) != "restore" {
				continue
			}
			for _, v := range at.AttributeValues {
				if v == "all" {
					public = true
				} else if v != "" {
					shared = append(shared, v)
				}
			}
		}
	}
	sort.Strings(shared)
	a["public"], a["shared_with_accounts"] = public, shared
}

// errorCode is the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
