package security

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// adminPorts are remote administration ports (CIS 5.2/5.3 name SSH and RDP);
// database ports are added because an open database is as bad.
var adminPorts = []int{22, 3389, 3306, 5432, 1433, 1521, 27017, 6379, 9200}

func ec2Checks() []Check {
	return []Check{
		{
			ID: "ebs-volume-encrypted", Title: "EBS volume is encrypted", Severity: High, Kind: Encryption,
			ResourceType: inventory.EBSVolume, CIS: "2.2.1",
			Remediation: "Snapshot the volume, copy the snapshot with encryption, create a volume from it and swap it in; turn on EBS encryption by default in the region.",
			Eval:        onAttrs(boolCheck("encrypted", true, "volume is encrypted", "volume is not encrypted")),
		},
		{
			ID: "sg-admin-ports-open-to-world", Title: "Security group does not expose administration or database ports to the internet",
			Severity: Critical, Kind: Exposure, ResourceType: inventory.SecurityGroup, CIS: "5.2, 5.3",
			Remediation: "Remove the 0.0.0.0/0 and ::/0 ingress rules on these ports; reach hosts through SSM Session Manager, a VPN or a bastion with a narrow source range.",
			Eval:        onAttrs(adminPortsOpen),
		},
		{
			ID: "sg-default-restricts-all", Title: "Default security group allows no traffic", Severity: Medium, Kind: Exposure,
			ResourceType: inventory.SecurityGroup, CIS: "5.4",
			Remediation: "Remove every inbound and outbound rule from the default security group and use purpose-made groups.",
			Eval:        onAttrs(defaultGroupEmpty),
		},
	}
}

func adminPortsOpen(a map[string]any) Result {
	ports, ok := stringList(a, "open_ports_to_world")
	if !ok {
		return unknown("open_ports_to_world was not collected")
	}
	var exposed []string
	for _, p := range ports {
		if exposesAdminPort(p) {
			exposed = append(exposed, p)
		}
	}
	if len(exposed) > 0 {
		return fail("open to the internet: " + strings.Join(exposed, ", "))
	}
	return pass("no administration or database port open to the internet")
}

// exposesAdminPort reads a port label of the EC2 collector ("all",
// "tcp/22", "tcp/0-65535", "udp/53", "icmp").
func exposesAdminPort(label string) bool {
	if label == "all" {
		return true
	}
	proto, rng, ok := strings.Cut(label, "/")
	if !ok || (proto != "tcp" && proto != "udp") {
		return false
	}
	var from, to int
	if n, _ := fmt.Sscanf(rng, "%d-%d", &from, &to); n != 2 {
		if _, err := fmt.Sscanf(rng, "%d", &from); err != nil {
			return false
		}
		to = from
	}
	return slices.ContainsFunc(adminPorts, func(p int) bool { return p >= from && p <= to })
}

func defaultGroupEmpty(a map[string]any) Result {
	isDefault, ok := boolAttr(a, "is_default")
	if !ok {
		return unknown("is_default was not collected")
	}
	if !isDefault {
		return pass("not a default security group")
	}
	ingress, okIn := listAttr(a, "ingress_rules")
	egress, okOut := numberAttr(a, "egress_rule_count")
	if !okIn || !okOut {
		return unknown("rules were not collected")
	}
	if len(ingress) > 0 || egress > 0 {
		return fail(fmt.Sprintf("default group has %d inbound and %d outbound rules", len(ingress), int(egress)))
	}
	return pass("default group has no rules")
}
