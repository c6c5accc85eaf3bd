package fakeorg

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

func ec2Healthy(o *Org) []*Account {
	var out []*Account
	for _, a := range o.Accounts {
		if a.Status == StatusActive && !o.isDenied(a.ID) {
			out = append(out, a)
		}
	}
	return out
}

var ec2IDFormat = regexp.MustCompile(`^(i|r|ami|vol|snap|sg|vpc|subnet|eni|eipalloc|eipassoc|pl)-[0-9a-f]{17}$`)

func TestEC2ModelReferencesAreConsistent(t *testing.T) {
	o := New(testSpec())
	seen := map[string]bool{}
	id := func(s string) {
		t.Helper()
		if !ec2IDFormat.MatchString(s) {
			t.Errorf("ID %q is not in AWS's format", s)
		}
		if seen[s] && !strings.HasPrefix(s, "r-") && !strings.HasPrefix(s, "ami-") {
			t.Errorf("ID %s is not unique", s)
		}
		seen[s] = true
	}
	for _, a := range o.Accounts {
		for _, r := range a.Regions {
			if !r.Enabled() {
				continue
			}
			m := r.EC2
			insts, vols, sgs := map[string]*EC2Instance{}, map[string]*EC2Volume{}, map[string]bool{}
			for _, sg := range m.SecurityGroups {
				id(sg.ID)
				sgs[sg.ID] = true
			}
			for _, v := range m.Volumes {
				id(v.ID)
				vols[v.ID] = v
			}
			for _, in := range m.Instances {
				id(in.ID)
				insts[in.ID] = in
				if in.State == "terminated" && (len(in.Volumes) > 0 || in.PublicIP != "" || len(in.SecurityGroups) > 0) {
					t.Errorf("terminated %s keeps resources", in.ID)
				}
				if in.Platform == "windows" && in.Architecture != "x86_64" {
					t.Errorf("windows %s on %s", in.ID, in.Type)
				}
				for _, sg := range in.SecurityGroups {
					if !sgs[sg] {
						t.Errorf("%s references unknown group %s", in.ID, sg)
					}
				}
				for _, vid := range in.Volumes {
					if v := vols[vid]; v == nil || v.Instance != in.ID || v.AZ != in.AZ {
						t.Errorf("%s lists volume %s, which is not attached to it in its zone", in.ID, vid)
					}
				}
			}
			for _, v := range m.Volumes {
				if v.Instance != "" && insts[v.Instance] == nil {
					t.Errorf("volume %s attached to unknown %s", v.ID, v.Instance)
				}
				if (v.Type == "st1" || v.Type == "sc1") && v.SizeGB < 125 || v.Type == "gp3" && v.Throughput > v.IOPS/4 ||
					v.Type == "io1" && v.IOPS > 50*v.SizeGB || v.Encrypted != (v.KMSKey != "") {
					t.Errorf("volume %s is not a valid %s: %+v", v.ID, v.Type, v)
				}
			}
			for _, e := range m.Addresses {
				id(e.AllocationID)
				if in := insts[e.InstanceID]; e.InstanceID != "" && (in == nil || in.PublicIP != e.PublicIP || in.PrivateIP != e.PrivateIP) {
					t.Errorf("address %s does not match instance %s", e.AllocationID, e.InstanceID)
				}
			}
			for _, sg := range m.SecurityGroups {
				for _, rule := range sg.Ingress {
					for _, g := range rule.Groups {
						if !sgs[g] {
							t.Errorf("%s rule references unknown group %s", sg.ID, g)
						}
					}
				}
			}
		}
	}
}

func TestEC2GeneratesRealisticProportions(t *testing.T) {
	sp := testSpec()
	sp.Accounts, sp.Regions = 40, 3
	o := New(sp)
	var regions, inst, stopped, windows, public, optional, spot, idle, vols, avail, unenc, eips, idleEIP, sgs, open int
	for _, a := range o.Accounts {
		for _, r := range a.Regions {
			if !r.Enabled() {
				continue
			}
			regions++
			for _, in := range r.EC2.Instances {
				if in.State == "terminated" {
					continue
				}
				inst++
				stopped += b2i(in.State == "stopped")
				windows += b2i(in.Platform == "windows")
				public += b2i(in.PublicIP != "")
				optional += b2i(in.IMDSTokens == "optional")
				spot += b2i(in.Spot)
				idle += b2i(in.CPUAvg != nil && *in.CPUAvg < 5)
			}
			for _, v := range r.EC2.Volumes {
				vols++
				avail += b2i(v.Instance == "")
				unenc += b2i(!v.Encrypted)
			}
			for _, e := range r.EC2.Addresses {
				eips++
				idleEIP += b2i(e.AssociationID == "")
			}
			for _, sg := range r.EC2.SecurityGroups {
				sgs++
				open += b2i(ec2GroupAttrs(sg)["open_to_world"].(bool))
			}
		}
	}
	share := func(n, of int) float64 { return float64(n) / float64(of) }
	for _, c := range []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"instances per region", share(inst, regions), 5, 7},
		{"volumes per region", share(vols, regions), 9, 13},
		{"elastic IPs per region", share(eips, regions), 1.5, 2.5},
		{"security groups per region", share(sgs, regions), 4.5, 5.5},
		{"stopped instances", share(stopped, inst), 0.12, 0.28},
		{"windows instances", share(windows, inst), 0.06, 0.2},
		{"instances with a public IP", share(public, inst), 0.2, 0.45},
		{"IMDSv1 allowed", share(optional, inst), 0.3, 0.5},
		{"spot instances", share(spot, inst), 0.03, 0.15},
		{"idle instances", share(idle, inst), 0.05, 0.2},
		{"available volumes", share(avail, vols), 0.1, 0.3},
		{"unencrypted volumes", share(unenc, vols), 0.12, 0.28},
		{"unassociated elastic IPs", share(idleEIP, eips), 0.2, 0.6},
		{"groups open to the world", share(open, sgs), 0.08, 0.35},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.2f, want %.2f..%.2f", c.what, c.got, c.lo, c.hi)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ec2Client(o *Org) (*ec2.Client, *Account, *Region) {
	a := ec2Healthy(o)[0]
	return ec2.NewFromConfig(o.MemberConfig(a.ID, a.Regions[0].Name), func(op *ec2.Options) { op.RetryMaxAttempts = 1 }), a, a.Regions[0]
}

func ec2Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestEC2DescribeCallsRejectWhatAWSRejects(t *testing.T) {
	o := New(testSpec())
	c, _, r := ec2Client(o)
	ctx := context.Background()
	known := r.EC2.Instances[0].ID
	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"MaxResults below 5", func() error {
			_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(4)})
			return err
		}, "InvalidParameterValue"},
		{"MaxResults above 1000", func() error {
			_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(1001)})
			return err
		}, "InvalidParameterValue"},
		{"MaxResults with instance IDs", func() error {
			_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), InstanceIds: []string{known}})
			return err
		}, "InvalidParameterCombination"},
		{"unknown instance", func() error {
			_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0000000000000000f"}})
			return err
		}, "InvalidInstanceID.NotFound"},
		{"unknown filter", func() error {
			_, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"red"}}}})
			return err
		}, "InvalidParameterValue"},
		{"unknown allocation", func() error {
			_, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{AllocationIds: []string{"eipalloc-0000000000000000f"}})
			return err
		}, "InvalidAllocationID.NotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ec2Code(tc.call()); got != tc.code {
				t.Fatalf("error code %q, want %q", got, tc.code)
			}
		})
	}
}

func TestEC2DescribeCallsHonourFilters(t *testing.T) {
	o := New(testSpec())
	c, a, r := ec2Client(o)
	ctx := context.Background()
	count := func(pred func(*EC2Instance) bool) int {
		n := 0
		for _, in := range r.EC2.Instances {
			n += b2i(pred(in))
		}
		return n
	}
	f := func(name string, vals ...string) []ec2types.Filter {
		return []ec2types.Filter{{Name: aws.String(name), Values: vals}}
	}
	listInstances := func(in *ec2.DescribeInstancesInput) (n int) {
		p := ec2.NewDescribeInstancesPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range page.Reservations {
				for _, in := range res.Instances {
					if aws.ToString(res.OwnerId) != a.ID || in.State == nil {
						t.Fatalf("reservation %s is malformed", aws.ToString(res.ReservationId))
					}
					n++
				}
			}
		}
		return n
	}
	if got, want := listInstances(&ec2.DescribeInstancesInput{Filters: f("instance-state-name", "running", "stopped")}),
		count(func(in *EC2Instance) bool { return in.State != "terminated" }); got != want {
		t.Errorf("live instances: %d, want %d", got, want)
	}
	if got, want := listInstances(&ec2.DescribeInstancesInput{Filters: f("tag:Name", "*-web-*", "*-api-*")}),
		count(func(in *EC2Instance) bool {
			return strings.Contains(in.Tags["Name"], "-web-") || strings.Contains(in.Tags["Name"], "-api-")
		}); got != want {
		t.Errorf("web and api instances by tag wildcard: %d, want %d", got, want)
	}
	if got := listInstances(&ec2.DescribeInstancesInput{InstanceIds: []string{r.EC2.Instances[1].ID}}); got != 1 {
		t.Errorf("by ID: %d instances", got)
	}
	vols, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: f("status", "available"), MaxResults: aws.Int32(500)})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vols.Volumes {
		if v.State != ec2types.VolumeStateAvailable || len(v.Attachments) > 0 {
			t.Errorf("status=available answered %s (%s)", aws.ToString(v.VolumeId), v.State)
		}
	}
	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: f("group-name", "default")})
	if err != nil || len(sgs.SecurityGroups) != 1 || aws.ToString(sgs.SecurityGroups[0].VpcId) != r.EC2.VPC {
		t.Fatalf("default group: %v, %v", sgs, err)
	}
}

func TestEC2AnswersOptInRequiredOutsideEnabledRegions(t *testing.T) {
	o := New(testSpec())
	a := ec2Healthy(o)[0]
	c := ec2.NewFromConfig(o.MemberConfig(a.ID, optInRegionNames[0]), func(op *ec2.Options) { op.RetryMaxAttempts = 1 })
	_, err := c.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
	if got := ec2Code(err); got != "OptInRequired" {
		t.Fatalf("error code %q, want OptInRequired", got)
	}
}
