package security

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// adminPorts are the remote administration ports CIS 5.2/5.3 name (SSH
// and RDP).
var adminPorts = []int{22, 3389}

// dataPorts are database and data-service ports that must not face the
// internet (Prowler's per-port checks): SQL Server, Oracle, MySQL,
// PostgreSQL, Redshift, Redis, Cassandra, Kafka, Kibana, Elasticsearch,
// Memcached, MongoDB.
var dataPorts = []int{1433, 1434, 1521, 2483, 3306, 5432, 5439, 6379, 9042, 9092, 5601, 9200, 9300, 11211, 27017, 27018}

const (
	anyIPv4 = "0.0.0.0/0"
	anyIPv6 = "::/0"
)

func securityGroupChecks() []Check {
	return []Check{
		{
			ID: "sg-admin-ports-open-ipv4", Title: "Security group does not allow SSH or RDP from 0.0.0.0/0",
			Severity: Critical, Kind: Exposure, ResourceType: inventory.SecurityGroup, CIS: "5.2",
			Prowler: []string{"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389"},
			Remediation: "Remove the 0.0.0.0/0 ingress rules on 22 and 3389 (and on all traffic); reach hosts through SSM Session Manager, " +
				"a VPN or a bastion with a narrow source range.",
			Eval: onAttrs(func(a map[string]any) Result { return worldOpen(a, anyIPv4, adminPorts, "SSH/RDP") }),
		},
		{
			ID: "sg-admin-ports-open-ipv6", Title: "Security group does not allow SSH or RDP from ::/0",
			Severity: Critical, Kind: Exposure, ResourceType: inventory.SecurityGroup, CIS: "5.3",
			Prowler: []string{"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389"},
			Remediation: "Remove the ::/0 ingress rules on 22 and 3389 (and on all traffic); reach hosts through SSM Session Manager, " +
				"a VPN or a bastion with a narrow source range.",
			Eval: onAttrs(func(a map[string]any) Result { return worldOpen(a, anyIPv6, adminPorts, "SSH/RDP") }),
		},
		{
			ID: "sg-data-ports-open", Title: "Security group does not expose database or data-service ports to the internet",
			Severity: High, Kind: Exposure, ResourceType: inventory.SecurityGroup,
			Prowler: []string{"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432",
				"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_oracle_1521_2483",
				"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018",
				"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211",
				"ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_kafka_9092"},
			Remediation: "Remove the 0.0.0.0/0 and ::/0 rules on database ports; allow only the application's security group " +
				"(or a VPN range) and keep databases in private subnets.",
			Eval: onAttrs(func(a map[string]any) Result {
				v4 := worldOpen(a, anyIPv4, dataPorts, "database ports")
				if v4.Status != Pass {
					return v4
				}
				return worldOpen(a, anyIPv6, dataPorts, "database ports")
			}),
		},
		{
			ID: "sg-all-ports-open", Title: "Security group does not allow all traffic from the internet",
			Severity: Critical, Kind: Exposure, ResourceType: inventory.SecurityGroup,
			Prowler:     []string{"ec2_securitygroup_allow_ingress_from_internet_to_all_ports"},
			Remediation: "Replace the all-traffic (or 0-65535) rule from 0.0.0.0/0 or ::/0 with rules for the ports the workload serves.",
			Eval:        onAttrs(allPortsOpen),
		},
		{
			ID: "sg-default-restricts-all", Title: "Default security group allows no traffic", Severity: Medium, Kind: Exposure,
			ResourceType: inventory.SecurityGroup, CIS: "5.4", Prowler: []string{"ec2_securitygroup_default_restrict_traffic"},
			Remediation: "Remove every inbound and outbound rule from the default security group and attach purpose-made groups to the resources that used it.",
			Eval:        onAttrs(defaultGroupEmpty),
		},
	}
}

// ingressRule is one flattened rule of the EC2 collector.
type ingressRule struct {
	proto    string // tcp, udp, icmp, all, or a protocol number
	from, to int
	v4, v6   []string
}

func (r ingressRule) label() string {
	switch {
	case r.proto == "all":
		return "all traffic"
	case r.from == r.to:
		return fmt.Sprintf("%s/%d", r.proto, r.from)
	}
	return fmt.Sprintf("%s/%d-%d", r.proto, r.from, r.to)
}

func (r ingressRule) hasSource(cidr string) bool {
	if cidr == anyIPv6 {
		return slices.Contains(r.v6, cidr)
	}
	return slices.Contains(r.v4, cidr)
}

// covers reports whether the rule lets TCP or UDP traffic reach port p.
func (r ingressRule) covers(p int) bool {
	if r.proto != "all" && r.proto != "tcp" && r.proto != "udp" && r.proto != "6" && r.proto != "17" {
		return false
	}
	return p >= r.from && p <= r.to
}

func (r ingressRule) allPorts() bool {
	return r.proto == "all" || ((r.proto == "tcp" || r.proto == "udp" || r.proto == "6" || r.proto == "17") && r.from <= 0 && r.to >= 65535)
}

// ingressRules reads the group's ingress_rules attribute; ok is false when
// it is missing or malformed.
func ingressRules(a map[string]any) ([]ingressRule, bool) {
	raw, ok := listAttr(a, "ingress_rules")
	if !ok {
		return nil, false
	}
	out := make([]ingressRule, 0, len(raw))
	for _, x := range raw {
		m, ok := asMap(x)
		if !ok {
			return nil, false
		}
		proto, _ := stringAttr(m, "protocol")
		from, ok1 := numberAttr(m, "from_port")
		to, ok2 := numberAttr(m, "to_port")
		if proto == "" || !ok1 || !ok2 {
			return nil, false
		}
		v4, _ := stringList(m, "ipv4_ranges")
		v6, _ := stringList(m, "ipv6_ranges")
		out = append(out, ingressRule{proto: proto, from: int(from), to: int(to), v4: v4, v6: v6})
	}
	return out, true
}

// worldOpen fails when a rule from cidr reaches one of ports.
func worldOpen(a map[string]any, cidr string, ports []int, what string) Result {
	rules, ok := ingressRules(a)
	if !ok {
		return unknown(missing(a, "ingress_rules"))
	}
	var hits []string
	for _, r := range rules {
		if !r.hasSource(cidr) {
			continue
		}
		var reached []string
		for _, p := range ports {
			if r.covers(p) {
				reached = append(reached, fmt.Sprint(p))
			}
		}
		if len(reached) > 0 {
			hits = append(hits, r.label()+" (reaches "+strings.Join(reached, ", ")+")")
		}
	}
	if len(hits) > 0 {
		return fail("open to " + cidr + ": " + strings.Join(hits, "; "))
	}
	return pass("no " + what + " open to " + cidr)
}

func allPortsOpen(a map[string]any) Result {
	rules, ok := ingressRules(a)
	if !ok {
		return unknown(missing(a, "ingress_rules"))
	}
	var hits []string
	for _, r := range rules {
		if !r.allPorts() {
			continue
		}
		for _, c := range []string{anyIPv4, anyIPv6} {
			if r.hasSource(c) {
				hits = append(hits, r.label()+" from "+c)
			}
		}
	}
	if len(hits) > 0 {
		return fail(strings.Join(hits, "; "))
	}
	return pass("no rule opens every port to the internet")
}

func defaultGroupEmpty(a map[string]any) Result {
	isDefault, ok := boolAttr(a, "is_default")
	if !ok {
		return unknown(missing(a, "is_default"))
	}
	if !isDefault {
		return notApplicable("not a default security group")
	}
	ingress, okIn := listAttr(a, "ingress_rules")
	egress, okOut := numberAttr(a, "egress_rule_count")
	if !okIn || !okOut {
		return unknown("rules of the default group were not collected")
	}
	if len(ingress) > 0 || egress > 0 {
		return fail(fmt.Sprintf("default group has %d inbound and %d outbound rules", len(ingress), int(egress)))
	}
	return pass("default group has no rules")
}
