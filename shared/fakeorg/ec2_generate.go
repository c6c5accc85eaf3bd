package fakeorg

import "fmt"

// ec2SGTemplate is a security group teams commonly create. Rules name other
// groups with the markers "self" and "peer" (another group of the VPC),
// resolved once every group of the region has its ID.
type ec2SGTemplate struct {
	name, desc string
	weight     float64
	ingress    []EC2Rule
}

const ec2World4, ec2World6, ec2Corp = "0.0.0.0/0", "::/0", "10.0.0.0/8"

func ec2TCP(port int, v4, v6, groups []string) EC2Rule {
	return EC2Rule{Protocol: "tcp", FromPort: port, ToPort: port, IPv4: v4, IPv6: v6, Groups: groups}
}

// Most groups are restricted to the corporate range or to other groups; a
// minority (lower weights) open SSH, RDP, databases or everything to the world.
var ec2SGTemplates = []ec2SGTemplate{
	{"web-alb", "ALB: HTTP and HTTPS from the internet", 8, []EC2Rule{
		ec2TCP(80, []string{ec2World4}, []string{ec2World6}, nil), ec2TCP(443, []string{ec2World4}, []string{ec2World6}, nil)}},
	{"app-servers", "Application tier", 8, []EC2Rule{
		ec2TCP(8080, nil, nil, []string{"peer"}), ec2TCP(22, []string{ec2Corp}, nil, nil)}},
	{"db-postgres", "PostgreSQL from the app tier", 6, []EC2Rule{ec2TCP(5432, []string{ec2Corp}, nil, []string{"peer"})}},
	{"db-mysql", "MySQL from the app tier", 4, []EC2Rule{ec2TCP(3306, nil, nil, []string{"peer"})}},
	{"bastion", "SSH from the office", 5, []EC2Rule{ec2TCP(22, []string{"203.0.113.0/24", "198.51.100.17/32"}, nil, nil)}},
	{"vpc-endpoints", "Interface endpoints", 5, []EC2Rule{ec2TCP(443, []string{"vpc"}, nil, nil)}},
	{"monitoring", "Prometheus node exporter", 4, []EC2Rule{
		{Protocol: "tcp", FromPort: 9100, ToPort: 9100, PrefixLists: []string{"pl"}},
		{Protocol: "icmp", FromPort: 8, ToPort: -1, IPv4: []string{ec2Corp}}}},
	{"cache-redis", "Redis from the app tier", 4, []EC2Rule{ec2TCP(6379, nil, nil, []string{"peer"})}},
	{"eks-nodes", "EKS worker nodes", 3, []EC2Rule{
		{Protocol: "-1", Groups: []string{"self"}},
		{Protocol: "tcp", FromPort: 1025, ToPort: 65535, Groups: []string{"peer"}},
		{Protocol: "udp", FromPort: 53, ToPort: 53, IPv4: []string{ec2Corp}}}},
	{"rdp-internal", "RDP from the corporate network", 4, []EC2Rule{ec2TCP(3389, []string{ec2Corp}, nil, nil)}},
	{"launch-wizard", "", 3, []EC2Rule{ec2TCP(22, []string{ec2World4}, nil, nil)}},
	{"rdp-public", "RDP access", 2, []EC2Rule{ec2TCP(3389, []string{ec2World4}, nil, nil)}},
	{"db-public", "temporary DB access for the vendor", 1.5, []EC2Rule{
		ec2TCP(5432, []string{ec2World4}, nil, nil), ec2TCP(3306, []string{ec2World4}, nil, nil)}},
	{"debug-open", "temporary debugging", 1, []EC2Rule{{Protocol: "-1", IPv4: []string{ec2World4}, IPv6: []string{ec2World6}}}},
	{"dev-all-tcp", "dev: all TCP", 1, []EC2Rule{{Protocol: "tcp", FromPort: 0, ToPort: 65535, IPv4: []string{ec2World4}}}},
	{"ssh-ipv6", "SSH over IPv6", 1, []EC2Rule{ec2TCP(22, []string{ec2Corp}, []string{ec2World6}, nil)}},
}

func (x *ec2gen) securityGroups() {
	// The VPC's default group: most keep AWS's default rules (all traffic
	// from members, all egress); hardened accounts have emptied it.
	def := &EC2SecurityGroup{ID: "sg-" + randHex(x.rng, 17), Name: "default", Description: "default VPC security group", VPC: x.r.VPC, Tags: map[string]string{}}
	if x.rng.Float64() < 0.7 {
		def.Ingress = []EC2Rule{{Protocol: "-1", Groups: []string{def.ID}}}
		def.Egress = []EC2Rule{{Protocol: "-1", IPv4: []string{ec2World4}}}
	}
	x.r.SecurityGroups = append(x.r.SecurityGroups, def)

	n := min(x.count(4), len(ec2SGTemplates))
	weights := make([]float64, len(ec2SGTemplates))
	for i, t := range ec2SGTemplates {
		weights[i] = t.weight
	}
	pl := "pl-" + randHex(x.rng, 17)
	for range n {
		i := x.weighted(weights)
		weights[i] = 0 // without replacement
		t := ec2SGTemplates[i]
		sg := &EC2SecurityGroup{ID: "sg-" + randHex(x.rng, 17), Name: t.name, Description: t.desc, VPC: x.r.VPC}
		if t.name == "launch-wizard" {
			sg.Name = fmt.Sprintf("launch-wizard-%d", 1+x.rng.IntN(9))
			sg.Description = sg.Name + " created " + x.ago(30, 900).Format("2006-01-02T15:04:05.000Z")
		}
		name := ""
		if x.rng.Float64() < 0.5 {
			name = t.name + "-sg"
		}
		sg.Tags = x.tags(name, 0.2)
		for _, r := range t.ingress {
			sg.Ingress = append(sg.Ingress, x.resolveRule(r, pl))
		}
		switch p := x.rng.Float64(); {
		case p < 0.8:
			sg.Egress = []EC2Rule{{Protocol: "-1", IPv4: []string{ec2World4}}}
		case p < 0.9:
			sg.Egress = []EC2Rule{{Protocol: "-1", IPv4: []string{ec2World4}, IPv6: []string{ec2World6}}}
		default:
			sg.Egress = []EC2Rule{ec2TCP(443, []string{ec2World4}, nil, nil), ec2TCP(5432, []string{ec2Corp}, nil, nil)}
		}
		x.sgByTpl[t.name] = sg.ID
		x.r.SecurityGroups = append(x.r.SecurityGroups, sg)
	}
	// Resolve group markers now that every group has an ID.
	for _, sg := range x.r.SecurityGroups[1:] {
		for i := range sg.Ingress {
			for j, g := range sg.Ingress[i].Groups {
				switch g {
				case "self":
					sg.Ingress[i].Groups[j] = sg.ID
				case "peer":
					sg.Ingress[i].Groups[j] = x.peerGroup(sg.ID)
				}
			}
		}
	}
}

// resolveRule copies a template rule, filling the VPC range and prefix list.
func (x *ec2gen) resolveRule(r EC2Rule, prefixList string) EC2Rule {
	out := r
	out.IPv4 = nil
	for _, c := range r.IPv4 {
		if c == "vpc" {
			c = x.r.VPCCIDR
		}
		out.IPv4 = append(out.IPv4, c)
	}
	out.IPv6 = append([]string(nil), r.IPv6...)
	out.Groups = append([]string(nil), r.Groups...)
	if len(r.PrefixLists) > 0 {
		out.PrefixLists = []string{prefixList}
	}
	return out
}

// peerGroup picks another non-default group of the VPC, or the default one.
func (x *ec2gen) peerGroup(self string) string {
	var others []string
	for _, sg := range x.r.SecurityGroups[1:] {
		if sg.ID != self {
			others = append(others, sg.ID)
		}
	}
	if len(others) == 0 {
		return x.r.SecurityGroups[0].ID
	}
	return others[x.rng.IntN(len(others))]
}

// ec2Families are the instance families workloads here use, with the sizes
// AWS offers in each (t3/t3a stop at 2xlarge; m5, c5, r5, m6i, r6i start at
// large) and how common they are.
var ec2Families = []struct {
	name   string
	arm    bool
	sizes  []string
	weight float64
}{
	{"t3", false, []string{"medium", "large", "xlarge", "2xlarge"}, 25},
	{"t3a", false, []string{"medium", "large", "xlarge", "2xlarge"}, 8},
	{"m5", false, []string{"large", "xlarge", "2xlarge", "4xlarge"}, 14},
	{"m6i", false, []string{"large", "xlarge", "2xlarge", "4xlarge"}, 12},
	{"m7g", true, []string{"medium", "large", "xlarge", "2xlarge", "4xlarge"}, 6},
	{"c5", false, []string{"large", "xlarge", "2xlarge", "4xlarge"}, 8},
	{"c6g", true, []string{"medium", "large", "xlarge", "2xlarge", "4xlarge"}, 5},
	{"r5", false, []string{"large", "xlarge", "2xlarge", "4xlarge"}, 7},
	{"r6i", false, []string{"large", "xlarge", "2xlarge", "4xlarge"}, 6},
}

// Smaller sizes are far more common.
var ec2SizeWeight = map[string]float64{"medium": 30, "large": 35, "xlarge": 20, "2xlarge": 10, "4xlarge": 5}

// t3a is not offered in these regions (price snapshot).
var ec2NoT3a = map[string]bool{"eu-north-1": true, "ap-northeast-3": true}

func (x *ec2gen) instanceType(windows bool) (string, bool) {
	ws := make([]float64, len(ec2Families))
	for i, f := range ec2Families {
		if !(windows && f.arm) && !(f.name == "t3a" && ec2NoT3a[x.region.Name]) {
			ws[i] = f.weight
		}
	}
	f := ec2Families[x.weighted(ws)]
	sw := make([]float64, len(f.sizes))
	for i, s := range f.sizes {
		sw[i] = ec2SizeWeight[s]
	}
	return f.name + "." + f.sizes[x.weighted(sw)], f.arm
}

var (
	ec2LinuxRoles   = []string{"web", "api", "worker", "etl", "jenkins", "bastion", "kafka", "search", "batch", "grafana"}
	ec2WindowsRoles = []string{"win-iis", "win-ad", "sql-reporting", "win-jump"}
	ec2KeyNames     = []string{"deploy", "ops-2023", "prod-keypair", "legacy-key", "ec2-user"}
)
