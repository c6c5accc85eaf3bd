package fakeorg

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

var ec2StateCodes = map[string]int32{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func describeInstances(o *Org, c *Call) (any, error) {
	a, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*ec2.DescribeInstancesInput)
	if err := ec2MaxResults(in.MaxResults, 1000); err != nil {
		return nil, err
	}
	if in.MaxResults != nil && len(in.InstanceIds) > 0 {
		return nil, apiError("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
	}
	list, err := ec2ByID(r.EC2.Instances, in.InstanceIds, func(i *EC2Instance) string { return i.ID }, "InvalidInstanceID.NotFound", "instance ID")
	if err != nil {
		return nil, err
	}
	list, err = ec2Filter(list, in.Filters, ec2InstanceField)
	if err != nil {
		return nil, err
	}
	// MaxResults counts instances; a page's instances are grouped into
	// their reservations.
	items, next, err := page(list, in.NextToken, in.MaxResults, ec2DefaultPage)
	if err != nil {
		return nil, err
	}
	vols := map[string]*EC2Volume{}
	for _, v := range r.EC2.Volumes {
		vols[v.ID] = v
	}
	groups := map[string]string{}
	for _, sg := range r.EC2.SecurityGroups {
		groups[sg.ID] = sg.Name
	}
	out := &ec2.DescribeInstancesOutput{NextToken: next, Reservations: []ec2types.Reservation{}}
	for _, i := range items {
		n := len(out.Reservations)
		if n == 0 || aws.ToString(out.Reservations[n-1].ReservationId) != i.ReservationID {
			out.Reservations = append(out.Reservations, ec2types.Reservation{
				ReservationId: aws.String(i.ReservationID), OwnerId: aws.String(a.ID), Groups: []ec2types.GroupIdentifier{}})
			n++
		}
		out.Reservations[n-1].Instances = append(out.Reservations[n-1].Instances, ec2Instance(a, r.Name, i, vols, groups, r.EC2.ElasticIPOf(i)))
	}
	return out, nil
}

func ec2InstanceField(i *EC2Instance, name string) ([]string, bool) {
	switch name {
	case "instance-state-name":
		return []string{i.State}, true
	case "instance-state-code":
		return []string{fmt.Sprint(ec2StateCodes[i.State])}, true
	case "instance-id":
		return []string{i.ID}, true
	case "instance-type":
		return []string{i.Type}, true
	case "reservation-id":
		return []string{i.ReservationID}, true
	case "image-id":
		return []string{i.ImageID}, true
	case "availability-zone":
		return []string{i.AZ}, true
	case "vpc-id":
		return ec2One(i.VPC), true
	case "subnet-id":
		return ec2One(i.Subnet), true
	case "private-ip-address":
		return ec2One(i.PrivateIP), true
	case "ip-address":
		return ec2One(i.PublicIP), true
	case "platform":
		return ec2One(i.Platform), true
	case "architecture":
		return []string{i.Architecture}, true
	case "key-name":
		return ec2One(i.KeyName), true
	case "tenancy":
		return []string{i.Tenancy}, true
	case "monitoring-state":
		return []string{i.Monitoring}, true
	case "metadata-options.http-tokens":
		return []string{i.IMDSTokens}, true
	case "instance-lifecycle":
		if i.Spot {
			return []string{"spot"}, true
		}
		return nil, true
	case "instance.group-id":
		return i.SecurityGroups, true
	}
	return ec2TagField(i.Tags, name)
}

func ec2Instance(a *Account, region string, i *EC2Instance, vols map[string]*EC2Volume, groups map[string]string, elastic bool) ec2types.Instance {
	out := ec2types.Instance{
		InstanceId: aws.String(i.ID), ImageId: aws.String(i.ImageID), InstanceType: ec2types.InstanceType(i.Type),
		AmiLaunchIndex: aws.Int32(0), LaunchTime: aws.Time(i.LaunchTime),
		State:                 &ec2types.InstanceState{Name: ec2types.InstanceStateName(i.State), Code: aws.Int32(ec2StateCodes[i.State])},
		StateTransitionReason: aws.String(i.StateReason),
		Placement:             &ec2types.Placement{AvailabilityZone: aws.String(i.AZ), Tenancy: ec2types.Tenancy(i.Tenancy), GroupName: aws.String("")},
		Platform:              ec2types.PlatformValues(i.Platform), PlatformDetails: aws.String(i.PlatformDetails),
		UsageOperation: aws.String(i.UsageOperation), Architecture: ec2types.ArchitectureValues(i.Architecture),
		Hypervisor: ec2types.HypervisorTypeXen, VirtualizationType: ec2types.VirtualizationTypeHvm,
		RootDeviceName: aws.String(i.RootDevice), RootDeviceType: ec2types.DeviceTypeEbs,
		EbsOptimized: aws.Bool(true), EnaSupport: aws.Bool(true),
		Monitoring: &ec2types.Monitoring{State: ec2types.MonitoringState(i.Monitoring)},
		MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{
			State: ec2types.InstanceMetadataOptionsStateApplied, HttpTokens: ec2types.HttpTokensState(i.IMDSTokens),
			HttpEndpoint: ec2types.InstanceMetadataEndpointState(i.IMDSEndpoint), HttpPutResponseHopLimit: aws.Int32(2),
			HttpProtocolIpv6: ec2types.InstanceMetadataProtocolStateDisabled, InstanceMetadataTags: ec2types.InstanceMetadataTagsStateDisabled,
		},
		PrivateDnsName: aws.String(""), PublicDnsName: aws.String(""), Tags: ec2Tags(i.Tags),
	}
	if i.KeyName != "" {
		out.KeyName = aws.String(i.KeyName)
	}
	if i.InstanceProfile != "" {
		out.IamInstanceProfile = &ec2types.IamInstanceProfile{Arn: aws.String(i.InstanceProfile), Id: aws.String("AIPA" + strings.ToUpper(i.ID[2:]))}
	}
	if i.Spot {
		out.InstanceLifecycle = ec2types.InstanceLifecycleTypeSpot
		out.SpotInstanceRequestId = aws.String("sir-" + i.ID[2:10])
	}
	if i.State == "stopped" {
		out.StateReason = &ec2types.StateReason{Code: aws.String("Client.UserInitiatedShutdown"), Message: aws.String("Client.UserInitiatedShutdown: User initiated shutdown")}
	}
	if i.State == "terminated" {
		// Terminated instances lose their network, groups and volumes.
		out.StateReason = &ec2types.StateReason{Code: aws.String("Client.UserInitiatedShutdown"), Message: aws.String("Client.UserInitiatedShutdown: User initiated shutdown")}
		return out
	}
	out.VpcId, out.SubnetId, out.PrivateIpAddress = aws.String(i.VPC), aws.String(i.Subnet), aws.String(i.PrivateIP)
	out.PrivateDnsName = aws.String(ec2DNSName("ip-", i.PrivateIP, region, "internal"))
	out.SourceDestCheck = aws.Bool(true)
	var sgs []ec2types.GroupIdentifier
	for _, id := range i.SecurityGroups {
		sgs = append(sgs, ec2types.GroupIdentifier{GroupId: aws.String(id), GroupName: aws.String(groups[id])})
	}
	out.SecurityGroups = sgs
	eni := ec2types.InstanceNetworkInterface{
		NetworkInterfaceId: aws.String(i.ENI), OwnerId: aws.String(a.ID), PrivateIpAddress: aws.String(i.PrivateIP),
		SubnetId: aws.String(i.Subnet), VpcId: aws.String(i.VPC), Status: ec2types.NetworkInterfaceStatusInUse, Groups: sgs,
	}
	if i.PublicIP != "" {
		out.PublicIpAddress = aws.String(i.PublicIP)
		out.PublicDnsName = aws.String(ec2DNSName("ec2-", i.PublicIP, region, "amazonaws.com"))
		// AWS names the owner of the address: "amazon" for one from its
		// pool, the account for an Elastic IP.
		owner := "amazon"
		if elastic {
			owner = a.ID
		}
		eni.Association = &ec2types.InstanceNetworkInterfaceAssociation{PublicIp: out.PublicIpAddress, PublicDnsName: out.PublicDnsName, IpOwnerId: aws.String(owner)}
	}
	out.NetworkInterfaces = []ec2types.InstanceNetworkInterface{eni}
	for _, id := range i.Volumes {
		v := vols[id]
		out.BlockDeviceMappings = append(out.BlockDeviceMappings, ec2types.InstanceBlockDeviceMapping{
			DeviceName: aws.String(v.Device),
			Ebs: &ec2types.EbsInstanceBlockDevice{VolumeId: aws.String(v.ID), Status: ec2types.AttachmentStatusAttached,
				AttachTime: aws.Time(v.Attached), DeleteOnTermination: aws.Bool(v.DeleteOnTermination)},
		})
	}
	return out
}

// ec2DNSName builds EC2's DNS names: us-east-1 uses ec2.internal and
// compute-1.amazonaws.com, other regions REGION.compute.internal/amazonaws.com.
func ec2DNSName(prefix, ip, region, domain string) string {
	host := prefix + strings.ReplaceAll(ip, ".", "-")
	switch {
	case region == "us-east-1" && domain == "internal":
		return host + ".ec2.internal"
	case region == "us-east-1":
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute." + domain
}

func describeSecurityGroups(o *Org, c *Call) (any, error) {
	a, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*ec2.DescribeSecurityGroupsInput)
	if err := ec2MaxResults(in.MaxResults, 1000); err != nil {
		return nil, err
	}
	sgs, err := ec2ByID(r.EC2.SecurityGroups, in.GroupIds, func(g *EC2SecurityGroup) string { return g.ID }, "InvalidGroup.NotFound", "security group")
	if err != nil {
		return nil, err
	}
	sgs, err = ec2ByID(sgs, in.GroupNames, func(g *EC2SecurityGroup) string { return g.Name }, "InvalidGroup.NotFound", "security group")
	if err != nil {
		return nil, err
	}
	sgs, err = ec2Filter(sgs, in.Filters, func(g *EC2SecurityGroup, name string) ([]string, bool) {
		switch name {
		case "group-id":
			return []string{g.ID}, true
		case "group-name":
			return []string{g.Name}, true
		case "vpc-id":
			return []string{g.VPC}, true
		case "description":
			return []string{g.Description}, true
		case "owner-id":
			return []string{a.ID}, true
		}
		return ec2TagField(g.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(sgs, in.NextToken, in.MaxResults, ec2DefaultPage)
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeSecurityGroupsOutput{NextToken: next, SecurityGroups: make([]ec2types.SecurityGroup, 0, len(items))}
	for _, g := range items {
		out.SecurityGroups = append(out.SecurityGroups, ec2types.SecurityGroup{
			GroupId: aws.String(g.ID), GroupName: aws.String(g.Name), Description: aws.String(g.Description),
			VpcId: aws.String(g.VPC), OwnerId: aws.String(a.ID), Tags: ec2Tags(g.Tags),
			SecurityGroupArn:    aws.String(fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", r.Name, a.ID, g.ID)),
			IpPermissions:       ec2Permissions(a.ID, g.Ingress),
			IpPermissionsEgress: ec2Permissions(a.ID, g.Egress),
		})
	}
	return out, nil
}

func ec2Permissions(owner string, rules []EC2Rule) []ec2types.IpPermission {
	out := make([]ec2types.IpPermission, 0, len(rules))
	for _, r := range rules {
		p := ec2types.IpPermission{IpProtocol: aws.String(r.Protocol)}
		if r.Protocol != "-1" { // AWS omits ports for all-traffic rules
			p.FromPort, p.ToPort = aws.Int32(int32(r.FromPort)), aws.Int32(int32(r.ToPort))
		}
		for _, cidr := range r.IPv4 {
			p.IpRanges = append(p.IpRanges, ec2types.IpRange{CidrIp: aws.String(cidr)})
		}
		for _, cidr := range r.IPv6 {
			p.Ipv6Ranges = append(p.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String(cidr)})
		}
		for _, g := range r.Groups {
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, ec2types.UserIdGroupPair{GroupId: aws.String(g), UserId: aws.String(owner)})
		}
		for _, pl := range r.PrefixLists {
			p.PrefixListIds = append(p.PrefixListIds, ec2types.PrefixListId{PrefixListId: aws.String(pl)})
		}
		out = append(out, p)
	}
	return out
}
