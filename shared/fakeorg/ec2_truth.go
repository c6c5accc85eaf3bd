package fakeorg

import (
	"fmt"
	"sort"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// expectedEC2 is what the four EC2 collectors must emit for one account
// region, derived from the model (not from the handlers).
func (o *Org) expectedEC2(a *Account, r *Region) []inventory.Record {
	var out []inventory.Record
	arn := func(kind, id string) string { return fmt.Sprintf("arn:aws:ec2:%s:%s:%s/%s", r.Name, a.ID, kind, id) }
	for _, in := range r.EC2.Instances {
		if in.State == "terminated" {
			continue
		}
		out = append(out, truthRecord(a, r.Name, inventory.EC2Instance, in.ID, arn("instance", in.ID), ec2CopyTags(in.Tags), ec2InstanceAttrs(in, r.EC2.ElasticIPOf(in))))
	}
	for _, v := range r.EC2.Volumes {
		out = append(out, truthRecord(a, r.Name, inventory.EBSVolume, v.ID, arn("volume", v.ID), ec2CopyTags(v.Tags), ec2VolumeAttrs(v)))
	}
	for _, e := range r.EC2.Addresses {
		out = append(out, truthRecord(a, r.Name, inventory.ElasticIP, e.AllocationID, arn("elastic-ip", e.AllocationID), ec2CopyTags(e.Tags), ec2AddressAttrs(e)))
	}
	for _, sg := range r.EC2.SecurityGroups {
		out = append(out, truthRecord(a, r.Name, inventory.SecurityGroup, sg.ID, arn("security-group", sg.ID), ec2CopyTags(sg.Tags), ec2GroupAttrs(sg)))
	}
	return out
}

func ec2CopyTags(t map[string]string) map[string]string {
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

// ec2Set adds a string attribute only when it is known.
func ec2Set(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func ec2Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func ec2InstanceAttrs(in *EC2Instance, elastic bool) map[string]any {
	m := map[string]any{
		"state": in.State, "instance_type": in.Type, "platform": "linux", "platform_details": in.PlatformDetails,
		"architecture": in.Architecture, "launch_time": ec2Time(in.LaunchTime), "availability_zone": in.AZ,
		"imds_http_tokens": in.IMDSTokens, "imds_endpoint": in.IMDSEndpoint, "root_device_type": "ebs",
		"volume_ids": append([]string{}, in.Volumes...), "security_group_ids": append([]string{}, in.SecurityGroups...),
		"lifecycle": "on-demand", "tenancy": in.Tenancy, "monitoring": in.Monitoring,
	}
	ec2Set(m, "name", in.Tags["Name"])
	ec2Set(m, "state_reason", in.StateReason)
	if !in.StateSince.IsZero() {
		m["state_since"] = ec2Time(in.StateSince)
	}
	if in.Platform == "windows" {
		m["platform"] = "windows"
	}
	if in.Spot {
		m["lifecycle"] = "spot"
	}
	ec2Set(m, "vpc_id", in.VPC)
	ec2Set(m, "subnet_id", in.Subnet)
	ec2Set(m, "private_ip", in.PrivateIP)
	ec2Set(m, "public_ip", in.PublicIP)
	if in.PublicIP != "" {
		m["public_ip_type"] = "auto-assigned"
		if elastic {
			m["public_ip_type"] = "elastic"
		}
	}
	ec2Set(m, "key_name", in.KeyName)
	ec2Set(m, "iam_instance_profile", in.InstanceProfile)
	if in.CPUAvg != nil && in.State != "stopped" {
		m["cpu_avg_14d"], m["cpu_max_14d"] = *in.CPUAvg, *in.CPUMax
	}
	return m
}

func ec2VolumeAttrs(v *EC2Volume) map[string]any {
	m := map[string]any{
		"state": ec2VolumeState(v), "volume_type": v.Type, "size_gb": v.SizeGB, "encrypted": v.Encrypted,
		"attached": v.Instance != "", "create_time": ec2Time(v.Created), "availability_zone": v.AZ, "multi_attach": v.MultiAttach,
	}
	ec2Set(m, "name", v.Tags["Name"])
	if v.IOPS > 0 {
		m["iops"] = v.IOPS
	}
	if v.Throughput > 0 {
		m["throughput_mibps"] = v.Throughput
	}
	if v.Encrypted {
		m["kms_key_id"] = v.KMSKey
	}
	if v.Instance != "" {
		m["attached_instance_id"], m["device"], m["delete_on_termination"] = v.Instance, v.Device, v.DeleteOnTermination
	}
	ec2Set(m, "snapshot_id", v.Snapshot)
	return m
}

func ec2AddressAttrs(e *EC2Address) map[string]any {
	m := map[string]any{"public_ip": e.PublicIP, "domain": "vpc", "associated": e.AssociationID != "", "public_ipv4_pool": "amazon"}
	ec2Set(m, "name", e.Tags["Name"])
	ec2Set(m, "association_id", e.AssociationID)
	ec2Set(m, "instance_id", e.InstanceID)
	ec2Set(m, "network_interface_id", e.ENI)
	ec2Set(m, "network_interface_owner_id", e.ENIOwner)
	ec2Set(m, "private_ip", e.PrivateIP)
	return m
}

func ec2GroupAttrs(sg *EC2SecurityGroup) map[string]any {
	rules := make([]map[string]any, 0, len(sg.Ingress))
	open := map[string]bool{}
	for _, r := range sg.Ingress {
		proto, from, to := r.Protocol, r.FromPort, r.ToPort
		if proto == "-1" {
			proto, from, to = "all", 0, 65535
		}
		rules = append(rules, map[string]any{
			"protocol": proto, "from_port": from, "to_port": to,
			"ipv4_ranges": append([]string{}, r.IPv4...), "ipv6_ranges": append([]string{}, r.IPv6...),
			"source_groups": append([]string{}, r.Groups...), "prefix_lists": append([]string{}, r.PrefixLists...),
		})
		world := false
		for _, c := range append(append([]string{}, r.IPv4...), r.IPv6...) {
			world = world || c == ec2World4 || c == ec2World6
		}
		if !world {
			continue
		}
		switch {
		case proto == "all":
			open["all"] = true
		case proto == "icmp" && from == -1:
			open["icmp"] = true
		case proto == "icmp":
			open[fmt.Sprintf("icmp/%d", from)] = true
		case from == to:
			open[fmt.Sprintf("%s/%d", proto, from)] = true
		default:
			open[fmt.Sprintf("%s/%d-%d", proto, from, to)] = true
		}
	}
	ports := make([]string, 0, len(open))
	for p := range open {
		ports = append(ports, p)
	}
	sort.Strings(ports)
	egress := 0
	for _, r := range sg.Egress {
		egress += len(r.IPv4) + len(r.IPv6) + len(r.Groups) + len(r.PrefixLists)
	}
	m := map[string]any{
		"name": sg.Name, "description": sg.Description, "vpc_id": sg.VPC, "is_default": sg.Name == "default",
		"ingress_rules": rules, "egress_rule_count": egress, "open_to_world": len(ports) > 0, "open_ports_to_world": ports,
	}
	ec2Set(m, "tag_name", sg.Tags["Name"])
	return m
}
