package ec2

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
)

func TestStateSince(t *testing.T) {
	launch := time.Date(2026, 10, 1, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, state, reason string
		want                string // "" = unknown
	}{
		{"running: last launch", "running", "", "2026-10-01T09:30:00Z"},
		{"stopped by a user", "stopped", "User initiated (2026-09-12 08:14:55 GMT)", "2026-09-12T08:14:55Z"},
		{"stopped without a time", "stopped", "User initiated", ""},
		{"stopped with no reason", "stopped", "", ""},
		{"stopping after a spot interruption", "stopping", "Server.SpotInstanceShutdown (2026-10-30 23:01:02 GMT)", "2026-10-30T23:01:02Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ec2types.Instance{LaunchTime: &launch, StateTransitionReason: aws.String(tc.reason),
				State: &ec2types.InstanceState{Name: ec2types.InstanceStateName(tc.state)}}
			got := ""
			if ts := stateSince(in); ts != nil {
				got = ts.UTC().Format(time.RFC3339)
			}
			if got != tc.want {
				t.Fatalf("stateSince = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGroupAttrsFindWhatIsOpenToTheWorld(t *testing.T) {
	perm := func(proto string, from, to int32, v4, v6 []string) ec2types.IpPermission {
		p := ec2types.IpPermission{IpProtocol: aws.String(proto)}
		if proto != "-1" {
			p.FromPort, p.ToPort = aws.Int32(from), aws.Int32(to)
		}
		for _, c := range v4 {
			p.IpRanges = append(p.IpRanges, ec2types.IpRange{CidrIp: aws.String(c)})
		}
		for _, c := range v6 {
			p.Ipv6Ranges = append(p.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String(c)})
		}
		return p
	}
	for _, tc := range []struct {
		name  string
		perms []ec2types.IpPermission
		want  []string
	}{
		{"restricted to the corporate range", []ec2types.IpPermission{perm("tcp", 22, 22, []string{"10.0.0.0/8"}, nil)}, []string{}},
		{"ssh and rdp to IPv4", []ec2types.IpPermission{
			perm("tcp", 3389, 3389, []string{"0.0.0.0/0"}, nil), perm("tcp", 22, 22, []string{"0.0.0.0/0"}, nil)}, []string{"tcp/22", "tcp/3389"}},
		{"IPv6 only counts too", []ec2types.IpPermission{perm("tcp", 5432, 5432, []string{"10.0.0.0/8"}, []string{"::/0"})}, []string{"tcp/5432"}},
		{"all traffic", []ec2types.IpPermission{perm("-1", 0, 0, []string{"0.0.0.0/0"}, nil)}, []string{"all"}},
		{"a port range", []ec2types.IpPermission{perm("tcp", 0, 65535, []string{"0.0.0.0/0"}, nil)}, []string{"tcp/0-65535"}},
		{"icmp echo and every icmp type", []ec2types.IpPermission{
			perm("icmp", 8, -1, []string{"0.0.0.0/0"}, nil), perm("icmp", -1, -1, nil, []string{"::/0"})}, []string{"icmp", "icmp/8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := groupAttrs(ec2types.SecurityGroup{GroupName: aws.String("g"), IpPermissions: tc.perms})
			if got := a["open_ports_to_world"]; !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("open_ports_to_world = %v, want %v", got, tc.want)
			}
			if a["open_to_world"] != (len(tc.want) > 0) {
				t.Fatalf("open_to_world = %v with ports %v", a["open_to_world"], tc.want)
			}
		})
	}
}

func TestAllTrafficRuleReadsAsEveryPort(t *testing.T) {
	r := ingressRule(ec2types.IpPermission{IpProtocol: aws.String("-1"),
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-0123456789abcdef0")}}})
	want := map[string]any{"protocol": "all", "from_port": 0, "to_port": 65535, "ipv4_ranges": []string{}, "ipv6_ranges": []string{},
		"source_groups": []string{"sg-0123456789abcdef0"}, "prefix_lists": []string{}}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("rule = %v, want %v", r, want)
	}
}

func TestARNFollowsThePartitionOfTheRegion(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-1":     "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0",
		"cn-north-1":    "arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0123456789abcdef0",
		"us-gov-west-1": "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-0123456789abcdef0",
	} {
		if got := arn(collect.Target{AccountID: "123456789012", Region: region}, "instance", "i-0123456789abcdef0"); got != want {
			t.Errorf("arn in %s = %s, want %s", region, got, want)
		}
	}
}
