package config

import (
	"slices"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// knownTypes is the canonical order of every resource type the config can
// select. Plans and reports follow this order, so it never depends on how a
// user happened to order resource_types.
var knownTypes = []string{
	inventory.EC2Instance,
	inventory.EBSVolume,
	inventory.ElasticIP,
	inventory.SecurityGroup,
	inventory.RDSInstance,
	inventory.RDSCluster,
	inventory.S3Bucket,
	inventory.LambdaFunction,
	inventory.EBSSnapshot,
	inventory.EBSDefaultEncryption,
	inventory.RDSSnapshot,
	inventory.S3AccountPublicAccessBlock,
	inventory.IAMAccount,
	inventory.IAMUser,
	inventory.CloudTrailTrail,
	inventory.GuardDutyDetector,
}

// aliases keeps the seed's short service names working: an existing
// accounts.json that says "ec2" gets everything the seed's EC2 collection
// covered, plus the EC2-hosted types collected separately now.
var aliases = []struct {
	name  string
	types []string
}{
	{"ec2", []string{inventory.EC2Instance, inventory.EBSVolume, inventory.ElasticIP, inventory.SecurityGroup,
		inventory.EBSSnapshot, inventory.EBSDefaultEncryption}},
	{"rds", []string{inventory.RDSInstance, inventory.RDSCluster, inventory.RDSSnapshot}},
	{"s3", []string{inventory.S3Bucket, inventory.S3AccountPublicAccessBlock}},
	{"lambda", []string{inventory.LambdaFunction}},
	{"iam", []string{inventory.IAMAccount, inventory.IAMUser}},
	{"cloudtrail", []string{inventory.CloudTrailTrail}},
	{"guardduty", []string{inventory.GuardDutyDetector}},
}

// KnownTypes returns every full resource type name, in canonical order.
func KnownTypes() []string {
	return slices.Clone(knownTypes)
}

// ExpandType resolves one resource_types entry: a seed short name (ec2, rds,
// s3, lambda) to the types it stands for, or a full type name to itself.
// It reports false for a name it does not know.
func ExpandType(name string) ([]string, bool) {
	for _, a := range aliases {
		if a.name == name {
			return slices.Clone(a.types), true
		}
	}
	if slices.Contains(knownTypes, name) {
		return []string{name}, true
	}
	return nil, false
}

// acceptedTypeNames lists what resource_types accepts, short names first,
// for error messages.
func acceptedTypeNames() []string {
	names := make([]string, 0, len(aliases)+len(knownTypes))
	for _, a := range aliases {
		names = append(names, a.name)
	}
	return append(names, knownTypes...)
}

// CollectorTypes returns the full type names to collect: resource_types
// expanded and de-duplicated, in KnownTypes order. An empty list selects
// every known type.
func (c *Config) CollectorTypes() []string {
	if len(c.ResourceTypes) == 0 {
		return KnownTypes()
	}
	selected := map[string]bool{}
	for _, name := range c.ResourceTypes {
		types, _ := ExpandType(name) // unknown names are rejected by Validate
		for _, t := range types {
			selected[t] = true
		}
	}
	var out []string
	for _, t := range knownTypes {
		if selected[t] {
			out = append(out, t)
		}
	}
	return out
}
