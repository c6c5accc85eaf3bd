package security

import (
	"slices"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// webPorts are what an internet-facing instance is expected to open to the
// world (with ICMP); anything else on a public instance is a finding.
var webPorts = []string{"tcp/80", "tcp/443", "udp/443"}

func ec2Checks() []Check {
	return []Check{
		{
			ID: "ec2-instance-imdsv2", Title: "EC2 instance requires IMDSv2", Severity: High, Kind: Hardening,
			ResourceType: inventory.EC2Instance, CIS: "5.6", Prowler: []string{"ec2_instance_imdsv2_enabled"},
			Remediation: "Require session tokens: aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required " +
				"(first check that the instance's SDKs and agents support IMDSv2); set the account default with ec2 modify-instance-metadata-defaults.",
			Eval: onAttrs(imdsv2Required),
		},
		{
			ID: "ec2-instance-public-exposed", Title: "EC2 instance with a public IP is not open to the internet beyond web ports",
			Severity: High, Kind: Exposure, ResourceType: inventory.EC2Instance,
			Prowler: []string{"ec2_instance_public_ip", "ec2_instance_port_ssh_exposed_to_internet", "ec2_instance_port_rdp_exposed_to_internet"},
			Remediation: "Remove the public IP (move the instance to a private subnet behind a load balancer or NAT), or narrow its " +
				"security groups' 0.0.0.0/0 and ::/0 rules to the web ports it serves; reach it with SSM Session Manager.",
			Eval: publicInstanceExposed,
		},
		{
			ID: "ec2-instance-volumes-encrypted", Title: "EC2 instance's attached EBS volumes are encrypted", Severity: High, Kind: Encryption,
			ResourceType: inventory.EC2Instance, Prowler: []string{"ec2_ebs_volume_encryption"},
			Remediation: "For each unencrypted volume: stop the instance, snapshot the volume, copy the snapshot with encryption, " +
				"create a volume from the copy and swap it in; turn on EBS encryption by default so new volumes are encrypted.",
			Eval: instanceVolumesEncrypted,
		},
	}
}

func terminated(a map[string]any) bool {
	s, _ := stringAttr(a, "state")
	return s == "terminated" || s == "shutting-down"
}

func imdsv2Required(a map[string]any) Result {
	if terminated(a) {
		return notApplicable("instance is terminated")
	}
	if ep, _ := stringAttr(a, "imds_endpoint"); ep == "disabled" {
		return pass("instance metadata service is turned off")
	}
	tokens, ok := stringAttr(a, "imds_http_tokens")
	switch {
	case !ok || tokens == "":
		return unknown("imds_http_tokens was not collected")
	case tokens == "required":
		return pass("IMDSv2 required (http tokens required)")
	}
	return fail("IMDSv1 allowed (http tokens " + tokens + ")")
}

func publicInstanceExposed(r inventory.Record, ix *Index) Result {
	a := r.Attributes
	if terminated(a) {
		return notApplicable("instance is terminated")
	}
	ip, _ := stringAttr(a, "public_ip")
	if ip == "" {
		return pass("no public IP")
	}
	groups, ok := stringList(a, "security_group_ids")
	if !ok {
		return unknown("public IP " + ip + "; security_group_ids was not collected")
	}
	var exposed []string
	for _, id := range groups {
		sg, ok := ix.Get(r.AccountID, r.Region, inventory.SecurityGroup, id)
		if !ok {
			return unknown("public IP " + ip + "; security group " + id + " is not in the inventory")
		}
		ports, ok := stringList(sg.Attributes, "open_ports_to_world")
		if !ok {
			return unknown("public IP " + ip + "; open ports of " + id + " were not collected")
		}
		var beyond []string
		for _, p := range ports {
			if !slices.Contains(webPorts, p) && !strings.HasPrefix(p, "icmp") {
				beyond = append(beyond, p)
			}
		}
		if len(beyond) > 0 {
			exposed = append(exposed, id+" opens "+strings.Join(beyond, ", "))
		}
	}
	if len(exposed) > 0 {
		return fail("public IP " + ip + "; " + strings.Join(exposed, "; ") + " to the internet")
	}
	return pass("public IP " + ip + ", only web ports open to the internet")
}

func instanceVolumesEncrypted(r inventory.Record, ix *Index) Result {
	a := r.Attributes
	if terminated(a) {
		return notApplicable("instance is terminated")
	}
	vols, ok := stringList(a, "volume_ids")
	switch {
	case !ok:
		return unknown("volume_ids was not collected")
	case len(vols) == 0:
		return notApplicable("no EBS volumes attached")
	}
	var plain []string
	for _, id := range vols {
		v, ok := ix.Get(r.AccountID, r.Region, inventory.EBSVolume, id)
		if !ok {
			return unknown("attached volume " + id + " is not in the inventory")
		}
		enc, ok := boolAttr(v.Attributes, "encrypted")
		if !ok {
			return unknown("encryption of attached volume " + id + " was not collected")
		}
		if !enc {
			plain = append(plain, id)
		}
	}
	if len(plain) > 0 {
		return fail(plural(len(plain), "unencrypted volume", "unencrypted volumes") + " attached: " + strings.Join(plain, ", "))
	}
	return pass("all " + plural(len(vols), "attached volume is", "attached volumes are") + " encrypted")
}
