package ec2

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// SecurityGroupAPI is the EC2 call SecurityGroups makes.
type SecurityGroupAPI interface {
	DescribeSecurityGroups(ctx context.Context, in *awsec2.DescribeSecurityGroupsInput, optFns ...func(*awsec2.Options)) (*awsec2.DescribeSecurityGroupsOutput, error)
}

// SecurityGroups collects VPC security groups (security_group) with their
// ingress rules and what they open to the internet.
func SecurityGroups() collect.Collector {
	return collect.Collector{
		Type: inventory.SecurityGroup, Service: service, Scope: collect.Regional,
		Actions: []string{"ec2:DescribeSecurityGroups"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectSecurityGroups(ctx, t, awsec2.NewFromConfig(t.AWS), emit)
		},
	}
}

func collectSecurityGroups(ctx context.Context, t collect.Target, api SecurityGroupAPI, emit collect.Emit) error {
	p := awsec2.NewDescribeSecurityGroupsPaginator(api, &awsec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return failed(t, "ec2 DescribeSecurityGroups", err)
		}
		for _, g := range page.SecurityGroups {
			id := aws.ToString(g.GroupId)
			if err := emit(t.Record(inventory.SecurityGroup, id, arn(t, "security-group", id), tagMap(g.Tags), groupAttrs(g))); err != nil {
				return err
			}
		}
	}
	return nil
}

// worldCIDRs are the ranges that mean "anyone on the internet".
var worldCIDRs = map[string]bool{"0.0.0.0/0": true, "::/0": true}

func groupAttrs(g ec2types.SecurityGroup) map[string]any {
	rules := make([]map[string]any, 0, len(g.IpPermissions))
	open := map[string]bool{}
	for _, p := range g.IpPermissions {
		r := ingressRule(p)
		rules = append(rules, r)
		world := false
		for _, key := range []string{"ipv4_ranges", "ipv6_ranges"} {
			for _, c := range r[key].([]string) {
				world = world || worldCIDRs[c]
			}
		}
		if world {
			open[portLabel(r["protocol"].(string), r["from_port"].(int), r["to_port"].(int))] = true
		}
	}
	ports := make([]string, 0, len(open))
	for p := range open {
		ports = append(ports, p)
	}
	sort.Strings(ports)
	// Count egress rules as the console does: one per destination.
	egress := 0
	for _, p := range g.IpPermissionsEgress {
		egress += len(p.IpRanges) + len(p.Ipv6Ranges) + len(p.UserIdGroupPairs) + len(p.PrefixListIds)
	}
	name := aws.ToString(g.GroupName)
	a := map[string]any{
		"name": name, "is_default": name == "default", "ingress_rules": rules,
		"egress_rule_count": egress, "open_to_world": len(ports) > 0, "open_ports_to_world": ports,
	}
	setString(a, "tag_name", nameTag(g.Tags))
	setString(a, "description", g.Description)
	setString(a, "vpc_id", g.VpcId)
	return a
}

// ingressRule flattens one IpPermission. "-1" (all traffic) carries no
// ports in AWS's answer and stands for 0-65535 of every protocol.
func ingressRule(p ec2types.IpPermission) map[string]any {
	proto, from, to := aws.ToString(p.IpProtocol), int(aws.ToInt32(p.FromPort)), int(aws.ToInt32(p.ToPort))
	if proto == "-1" || p.FromPort == nil {
		from, to = 0, 65535
	}
	if proto == "-1" {
		proto = "all"
	}
	return map[string]any{
		"protocol": proto, "from_port": from, "to_port": to,
		"ipv4_ranges":   ids(p.IpRanges, func(x ec2types.IpRange) *string { return x.CidrIp }),
		"ipv6_ranges":   ids(p.Ipv6Ranges, func(x ec2types.Ipv6Range) *string { return x.CidrIpv6 }),
		"source_groups": ids(p.UserIdGroupPairs, func(x ec2types.UserIdGroupPair) *string { return x.GroupId }),
		"prefix_lists":  ids(p.PrefixListIds, func(x ec2types.PrefixListId) *string { return x.PrefixListId }),
	}
}

// portLabel names what a world-open rule exposes: "all", "tcp/22",
// "tcp/0-65535", or for ICMP the type ("icmp/8"; "icmp" for every type).
func portLabel(proto string, from, to int) string {
	switch {
	case proto == "all":
		return "all"
	case proto == "icmp" || proto == "icmpv6":
		if from == -1 {
			return proto
		}
		return fmt.Sprintf("%s/%d", proto, from)
	case from == to:
		return fmt.Sprintf("%s/%d", proto, from)
	}
	return fmt.Sprintf("%s/%d-%d", proto, from, to)
}
