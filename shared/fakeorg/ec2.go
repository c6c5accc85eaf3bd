package fakeorg

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// EC2Region holds one account region's EC2 resources: one VPC with a subnet
// per zone, its security groups, instances (terminated ones included, as
// DescribeInstances shows them for a while), EBS volumes and Elastic IPs.
type EC2Region struct {
	VPC            string
	VPCCIDR        string
	Subnets        []EC2Subnet
	SecurityGroups []*EC2SecurityGroup
	Instances      []*EC2Instance
	Volumes        []*EC2Volume
	Addresses      []*EC2Address
	// Snapshots are the EBS snapshots the account owns in the region
	// (ec2_snapshots.go).
	Snapshots []*EC2Snapshot
	// EBSEncryptionByDefault is the region's "always encrypt new EBS
	// volumes" setting; EBSDefaultKMSKey is the customer managed key it
	// uses, "" for the AWS managed key (alias/aws/ebs).
	EBSEncryptionByDefault bool
	EBSDefaultKMSKey       string
	// awsManagedKey is the region's aws/ebs key, which AWS forbids sharing
	// snapshots encrypted with.
	awsManagedKey string
}

// ElasticIPOf reports whether an instance's public IP is an Elastic IP
// associated with it (else it is auto-assigned from Amazon's pool).
func (r *EC2Region) ElasticIPOf(in *EC2Instance) bool {
	for _, e := range r.Addresses {
		if e.InstanceID == in.ID && e.PublicIP == in.PublicIP {
			return true
		}
	}
	return false
}

// EC2Subnet is one subnet of the region's VPC.
type EC2Subnet struct {
	ID, AZ string
	// third is the subnet's first third octet (a /20 per zone).
	third int
}

// EC2Instance is one instance as DescribeInstances reports it.
type EC2Instance struct {
	ID, ReservationID, ImageID string
	Type                       string
	State                      string // running, stopped or terminated
	// StateReason is StateTransitionReason ("" while running).
	StateReason string
	// StateSince is when the current state began as AWS lets one know it:
	// LaunchTime while running, the time in StateReason once stopped; zero
	// when StateReason carries no time.
	StateSince      time.Time
	Platform        string // "windows" or "" (AWS leaves Linux empty)
	PlatformDetails string
	UsageOperation  string
	Architecture    string
	LaunchTime      time.Time
	AZ              string
	VPC, Subnet     string
	ENI             string
	PrivateIP       string
	PublicIP        string // auto-assigned or an associated Elastic IP
	IMDSTokens      string // required or optional
	IMDSEndpoint    string // enabled or disabled
	RootDevice      string
	// Volumes are the attached volume IDs, root first.
	Volumes         []string
	SecurityGroups  []string
	KeyName         string
	InstanceProfile string // ARN
	Spot            bool
	Tenancy         string
	Monitoring      string // enabled or disabled
	// CPUAvg and CPUMax are CloudWatch's 14-day CPUUtilization; nil when
	// CloudWatch has no datapoints for the instance.
	CPUAvg, CPUMax *float64
	Tags           map[string]string
}

// EC2Volume is one EBS volume; Instance is empty when it is not attached.
type EC2Volume struct {
	ID, Type string
	SizeGB   int
	// IOPS and Throughput are 0 when AWS reports none for the type.
	IOPS, Throughput    int
	Encrypted           bool
	KMSKey              string
	Instance, Device    string
	DeleteOnTermination bool
	Created, Attached   time.Time
	Snapshot            string
	AZ                  string
	MultiAttach         bool
	Tags                map[string]string
}

// EC2Address is one Elastic IP (VPC domain). An associated address has an
// AssociationID and a network interface; InstanceID is empty when the
// interface is not an instance's (a NAT gateway's).
type EC2Address struct {
	AllocationID, PublicIP                   string
	AssociationID, InstanceID, ENI, ENIOwner string
	PrivateIP                                string
	Tags                                     map[string]string
}

// EC2SecurityGroup is one VPC security group.
type EC2SecurityGroup struct {
	ID, Name, Description, VPC string
	Ingress, Egress            []EC2Rule
	Tags                       map[string]string
}

// EC2Rule is one IpPermission. Protocol is AWS's IpProtocol ("tcp", "udp",
// "icmp", "-1"); FromPort/ToPort are ignored for "-1" (AWS omits them).
type EC2Rule struct {
	Protocol         string
	FromPort, ToPort int
	IPv4, IPv6       []string
	Groups           []string
	PrefixLists      []string
}

// ec2gen carries one account region's EC2 generation state.
type ec2gen struct {
	*gen
	r       *EC2Region
	env     string
	second  int // the VPC's second octet
	ips     map[string]bool
	ebsKey  string // the account region's aws/ebs key
	cmk     string // a customer managed key some teams use
	sgByTpl map[string]string
}

func (g *gen) ec2() {
	x := &ec2gen{gen: g, r: &g.region.EC2, env: ec2AccountEnv(g.acct), ips: map[string]bool{}, sgByTpl: map[string]string{}}
	x.second = g.rng.IntN(256)
	x.r.VPC = "vpc-" + randHex(g.rng, 17)
	x.r.VPCCIDR = fmt.Sprintf("10.%d.0.0/16", x.second)
	for i, z := range ec2Zones(g.region.Name) {
		x.r.Subnets = append(x.r.Subnets, EC2Subnet{ID: "subnet-" + randHex(g.rng, 17), AZ: z, third: i * 16})
	}
	x.ebsKey = x.kmsARN()
	x.cmk = x.kmsARN()
	x.securityGroups()
	x.instances()
	x.spareVolumes()
	x.addresses()
	x.ebsSecurity()
}

// ec2AccountEnv reads the environment from the generated account name
// (department-env-N).
func ec2AccountEnv(a *Account) string {
	if parts := strings.Split(a.Name, "-"); len(parts) >= 3 {
		return parts[1]
	}
	return "prod"
}

// ec2Zones lists the zones the fake uses in a region (ap-northeast-1 has no "b").
func ec2Zones(region string) []string {
	letters := []string{"a", "b", "c"}
	if region == "ap-northeast-1" {
		letters = []string{"a", "c", "d"}
	}
	out := make([]string, len(letters))
	for i, l := range letters {
		out[i] = region + l
	}
	return out
}

func (x *ec2gen) kmsARN() string {
	h := randHex(x.rng, 32)
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s-%s-%s-%s-%s", x.region.Name, x.acct.ID, h[:8], h[8:12], h[12:16], h[16:20], h[20:])
}

var ec2Owners = []string{"alice.nguyen@example.com", "bob.martin@example.com", "carla.rossi@example.com", "dev.patel@example.com", "platform-team@example.com"}

// tags draws a resource's tags: untagged with probability pUntagged, else a
// Name (when name is set) and the usual cost-allocation tags on some.
func (x *ec2gen) tags(name string, pUntagged float64) map[string]string {
	t := map[string]string{}
	if x.rng.Float64() < pUntagged {
		return t
	}
	if name != "" {
		t["Name"] = name
	}
	switch p := x.rng.Float64(); {
	case p < 0.6:
		t["Department"] = x.acct.Department
	case p < 0.75:
		t["Department"] = departments[x.rng.IntN(len(departments))]
	}
	if x.rng.Float64() < 0.85 {
		t["Environment"] = x.env
	}
	if x.rng.Float64() < 0.35 {
		t["CostCenter"] = fmt.Sprintf("CC-%04d", 1000+x.rng.IntN(9000))
	}
	if x.rng.Float64() < 0.3 {
		t["Owner"] = ec2Owners[x.rng.IntN(len(ec2Owners))]
	}
	return t
}

// privateIP draws an unused address in a subnet.
func (x *ec2gen) privateIP(s EC2Subnet) string {
	for {
		ip := fmt.Sprintf("10.%d.%d.%d", x.second, s.third+x.rng.IntN(16), 4+x.rng.IntN(250))
		if !x.ips[ip] {
			x.ips[ip] = true
			return ip
		}
	}
}

// publicIP draws an unused address from blocks AWS allocates from.
func (x *ec2gen) publicIP() string {
	firsts := []int{3, 13, 18, 34, 35, 44, 52, 54}
	for {
		ip := fmt.Sprintf("%d.%d.%d.%d", firsts[x.rng.IntN(len(firsts))], x.rng.IntN(256), x.rng.IntN(256), 1+x.rng.IntN(254))
		if !x.ips[ip] {
			x.ips[ip] = true
			return ip
		}
	}
}

// ago is a second-precision time some days (plus part of a day) before Now.
func (x *ec2gen) ago(minDays, maxDays int) time.Time {
	d := minDays + x.rng.IntN(maxDays-minDays+1)
	return x.org.Spec.Now.Add(-time.Duration(d)*24*time.Hour - time.Duration(x.rng.IntN(86400))*time.Second).UTC()
}

// weighted picks an index with probability proportional to its weight.
func (x *ec2gen) weighted(ws []float64) int {
	total := 0.0
	for _, w := range ws {
		total += w
	}
	p := x.rng.Float64() * total
	for i, w := range ws {
		if p < w {
			return i
		}
		p -= w
	}
	return len(ws) - 1
}

func ec2Round(v float64) float64 { return math.Round(v*100) / 100 }
