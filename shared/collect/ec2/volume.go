package ec2

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// VolumeAPI is the EC2 call Volumes makes.
type VolumeAPI interface {
	DescribeVolumes(ctx context.Context, in *awsec2.DescribeVolumesInput, optFns ...func(*awsec2.Options)) (*awsec2.DescribeVolumesOutput, error)
}

// Volumes collects EBS volumes (ebs_volume), attached or not.
func Volumes() collect.Collector {
	return collect.Collector{
		Type: inventory.EBSVolume, Service: service, Scope: collect.Regional,
		Actions: []string{"ec2:DescribeVolumes"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectVolumes(ctx, t, awsec2.NewFromConfig(t.AWS), emit)
		},
	}
}

func collectVolumes(ctx context.Context, t collect.Target, api VolumeAPI, emit collect.Emit) error {
	// 500 is DescribeVolumes' largest page.
	p := awsec2.NewDescribeVolumesPaginator(api, &awsec2.DescribeVolumesInput{MaxResults: aws.Int32(500)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return failed(t, "ec2 DescribeVolumes", err)
		}
		for _, v := range page.Volumes {
			id := aws.ToString(v.VolumeId)
			if err := emit(t.Record(inventory.EBSVolume, id, arn(t, "volume", id), tagMap(v.Tags), volumeAttrs(v))); err != nil {
				return err
			}
		}
	}
	return nil
}

func volumeAttrs(v ec2types.Volume) map[string]any {
	a := map[string]any{
		"state": string(v.State), "volume_type": string(v.VolumeType), "size_gb": int(aws.ToInt32(v.Size)),
		"encrypted": aws.ToBool(v.Encrypted), "multi_attach": aws.ToBool(v.MultiAttachEnabled),
		"attached": len(v.Attachments) > 0,
	}
	setString(a, "name", nameTag(v.Tags))
	// AWS reports IOPS for gp2/gp3/io1/io2 and throughput for gp3 only.
	if v.Iops != nil {
		a["iops"] = int(*v.Iops)
	}
	if v.Throughput != nil {
		a["throughput_mibps"] = int(*v.Throughput)
	}
	setString(a, "kms_key_id", v.KmsKeyId)
	setString(a, "snapshot_id", v.SnapshotId) // "" when not created from a snapshot
	setString(a, "availability_zone", v.AvailabilityZone)
	setTime(a, "create_time", v.CreateTime)
	// A Multi-Attach volume can have several attachments; the first one
	// stands for the volume, which is what cost and cleanup reports need.
	if len(v.Attachments) > 0 {
		at := v.Attachments[0]
		setString(a, "attached_instance_id", at.InstanceId)
		setString(a, "device", at.Device)
		if at.DeleteOnTermination != nil {
			a["delete_on_termination"] = *at.DeleteOnTermination
		}
	}
	return a
}
