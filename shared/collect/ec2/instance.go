package ec2

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// InstanceAPI is the EC2 call Instances makes.
type InstanceAPI interface {
	DescribeInstances(ctx context.Context, in *awsec2.DescribeInstancesInput, optFns ...func(*awsec2.Options)) (*awsec2.DescribeInstancesOutput, error)
}

// Instances collects EC2 instances (ec2_instance) with their 14-day CPU.
func Instances() collect.Collector {
	return collect.Collector{
		Type: inventory.EC2Instance, Service: service, Scope: collect.Regional,
		Actions: []string{"ec2:DescribeInstances", "cloudwatch:GetMetricData"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectInstances(ctx, t, awsec2.NewFromConfig(t.AWS), cloudwatch.NewFromConfig(t.AWS), time.Now(), emit)
		},
	}
}

// liveStates leave out terminated instances: listed for an hour, but gone.
var liveStates = []string{"pending", "running", "shutting-down", "stopping", "stopped"}

// cpuStats are the 14-day CPUUtilization statistics and their attributes.
var cpuStats = []struct{ stat, attr string }{{"Average", "cpu_avg_14d"}, {"Maximum", "cpu_max_14d"}}

func collectInstances(ctx context.Context, t collect.Target, api InstanceAPI, cw collect.MetricDataAPI, now time.Time, emit collect.Emit) error {
	p := awsec2.NewDescribeInstancesPaginator(api, &awsec2.DescribeInstancesInput{
		MaxResults: aws.Int32(1000),
		Filters:    []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: liveStates}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return failed(t, "ec2 DescribeInstances", err)
		}
		var recs []inventory.Record
		var qs []collect.MetricQuery
		for _, res := range page.Reservations {
			for _, in := range res.Instances {
				id := aws.ToString(in.InstanceId)
				recs = append(recs, t.Record(inventory.EC2Instance, id, arn(t, "instance", id), tagMap(in.Tags), instanceAttrs(in)))
				// A stopped instance reports no CPU; asking would only cost (a
				// page of stopped instances makes no CloudWatch call at all).
				if in.State == nil || in.State.Name != ec2types.InstanceStateNameStopped {
					for _, c := range cpuStats {
						qs = append(qs, collect.MetricQuery{Key: id + "/" + c.stat, Namespace: "AWS/EC2", Metric: "CPUUtilization",
							Dimensions: map[string]string{"InstanceId": id}, Stat: c.stat, Window: 14 * 24 * time.Hour})
					}
				}
			}
		}
		vals, err := collect.FetchMetrics(ctx, cw, now, qs)
		if err != nil {
			return failed(t, "instance CPU", err)
		}
		for _, rec := range recs {
			for _, c := range cpuStats {
				if v, ok := vals[rec.ResourceID+"/"+c.stat]; ok {
					rec.Attributes[c.attr] = v
				}
			}
			if err := emit(rec); err != nil {
				return err
			}
		}
	}
	return nil
}

func instanceAttrs(in ec2types.Instance) map[string]any {
	a := map[string]any{
		"instance_type": string(in.InstanceType), "architecture": string(in.Architecture),
		"root_device_type": string(in.RootDeviceType), "platform": "linux", "lifecycle": "on-demand",
	}
	// AWS answers "windows" while the SDK's enum says "Windows".
	if strings.EqualFold(string(in.Platform), string(ec2types.PlatformValuesWindows)) {
		a["platform"] = "windows"
	}
	if in.InstanceLifecycle != "" {
		a["lifecycle"] = string(in.InstanceLifecycle)
	}
	for k, v := range map[string]*string{
		"name": nameTag(in.Tags), "state_reason": in.StateTransitionReason, "platform_details": in.PlatformDetails,
		"vpc_id": in.VpcId, "subnet_id": in.SubnetId, "private_ip": in.PrivateIpAddress,
		"public_ip": in.PublicIpAddress, "key_name": in.KeyName,
	} {
		setString(a, k, v)
	}
	if in.State != nil {
		a["state"] = string(in.State.Name)
	}
	if t := publicIPType(in); t != "" {
		a["public_ip_type"] = t
	}
	setTime(a, "state_since", stateSince(in))
	setTime(a, "launch_time", in.LaunchTime)
	if pl := in.Placement; pl != nil {
		setString(a, "availability_zone", pl.AvailabilityZone)
		a["tenancy"] = string(pl.Tenancy)
	}
	if in.IamInstanceProfile != nil {
		setString(a, "iam_instance_profile", in.IamInstanceProfile.Arn)
	}
	if md := in.MetadataOptions; md != nil {
		a["imds_http_tokens"], a["imds_endpoint"] = string(md.HttpTokens), string(md.HttpEndpoint)
	}
	if in.Monitoring != nil {
		a["monitoring"] = string(in.Monitoring.State)
	}
	a["volume_ids"] = ids(in.BlockDeviceMappings, func(bd ec2types.InstanceBlockDeviceMapping) *string {
		if bd.Ebs == nil {
			return nil
		}
		return bd.Ebs.VolumeId
	})
	a["security_group_ids"] = ids(in.SecurityGroups, func(g ec2types.GroupIdentifier) *string { return g.GroupId })
	return a
}

// reasonTime finds the time in "User initiated (2026-09-12 08:14:55 GMT)".
var reasonTime = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) GMT\)`)

// stateSince tells when the current state began: LaunchTime is the last
// start of a running instance; for other states only the time in
// StateTransitionReason says it, and without one it is unknown (nil).
func stateSince(in ec2types.Instance) *time.Time {
	if in.State != nil && (in.State.Name == ec2types.InstanceStateNameRunning || in.State.Name == ec2types.InstanceStateNamePending) {
		return in.LaunchTime
	}
	m := reasonTime.FindStringSubmatch(aws.ToString(in.StateTransitionReason))
	if m == nil {
		return nil
	}
	ts, err := time.Parse("2006-01-02 15:04:05", m[1])
	if err != nil {
		return nil
	}
	return &ts
}

// publicIPType says whose the instance's public IPv4 address is: "elastic"
// (an Elastic IP, charged on its own record) or "auto-assigned" (from
// Amazon's pool, charged to the instance while it runs). AWS names the
// owner on the interface's association: "amazon" for its pool.
func publicIPType(in ec2types.Instance) string {
	if in.PublicIpAddress == nil {
		return ""
	}
	for _, ni := range in.NetworkInterfaces {
		if as := ni.Association; as != nil && aws.ToString(as.PublicIp) == aws.ToString(in.PublicIpAddress) {
			if aws.ToString(as.IpOwnerId) == "amazon" {
				return "auto-assigned"
			}
			return "elastic"
		}
	}
	return ""
}
