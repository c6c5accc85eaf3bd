package fakeorg

import (
	"fmt"
	"slices"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// The security side of EBS: the snapshots an account owns and who may
// create volumes from them, and each region's encryption-by-default
// setting. The API answers are in ec2_snapshots_api.go.

// EC2Snapshot is one EBS snapshot as DescribeSnapshots reports it to its owner.
type EC2Snapshot struct {
	ID string
	// VolumeID is the source volume: a current volume, one deleted since, or
	// ec2CopiedVolume for a snapshot made by CopySnapshot.
	VolumeID    string
	SizeGB      int
	State       string // completed, pending or error
	Progress    string // "100%" once completed
	Started     time.Time
	Description string
	Encrypted   bool
	KMSKey      string // the key's ARN when encrypted, else ""
	StorageTier string // standard or archive
	// Public means createVolumePermission holds Group "all"; AWS refuses it
	// for encrypted snapshots.
	Public bool
	// SharedWith are the account IDs given createVolumePermission, sorted;
	// AWS refuses to share a snapshot encrypted with the AWS managed key.
	SharedWith []string
	// AttributeDenied: the organization's SCP denies
	// ec2:DescribeSnapshotAttribute on snapshots tagged
	// DataClassification=restricted, so the inventory role is answered
	// UnauthorizedOperation for this one.
	AttributeDenied bool
	Tags            map[string]string
}

// ec2CopiedVolume is the placeholder volume ID AWS reports for snapshots
// made by CopySnapshot ("should not be used for any purpose").
const ec2CopiedVolume = "vol-ffffffff"

// ec2AWSManagedEBSKey is what GetEbsDefaultKmsKeyId answers while the
// region's default key was never changed.
const ec2AWSManagedEBSKey = "alias/aws/ebs"

// The inventory's resource types for this file (inventory gains the
// constants when the collectors are registered).
const (
	ec2TypeSnapshot          = "ebs_snapshot"
	ec2TypeDefaultEncryption = "ebs_default_encryption"
)

// ebsSecurity generates the region's snapshots and default encryption from
// a random stream of its own, so every other resource of the region is
// generated exactly as before these existed.
func (x *ec2gen) ebsSecurity() {
	s := *x
	s.gen = &gen{org: x.org, rng: x.org.rngFor(x.acct.ID, x.region.Name, "ebs-security"), acct: x.acct, region: x.region}
	x.r.awsManagedKey = x.ebsKey
	s.ebsDefaults()
	s.snapshots()
}

// ebsDefaults draws encryption by default. Accounts decide as a whole
// (the platform team turns it on everywhere, usually in production), then
// a region is sometimes forgotten. AWS's own default is off.
func (x *ec2gen) ebsDefaults() {
	acct := x.org.rngFor(x.acct.ID, "ebs-default-encryption")
	pAccount, pRegion := 0.3, 0.85
	if x.env == "prod" {
		pAccount, pRegion = 0.85, 0.9
	}
	on, cmk := acct.Float64() < pAccount, acct.Float64() < 0.35
	x.r.EBSEncryptionByDefault = on && x.rng.Float64() < pRegion
	if on && cmk {
		// The key stays configured in a region where encryption was
		// turned off again, as AWS keeps it.
		x.r.EBSDefaultKMSKey = x.cmk
	}
}

// Kinds of snapshot, by how they came to be.
const (
	snapBackup = iota // of a current volume: DLM, AWS Backup or by hand
	snapImage         // an AMI's root volume
	snapOrphan        // of a volume deleted since
	snapCopy          // CopySnapshot from another region
)

func (x *ec2gen) snapshots() {
	n := x.count(4)
	dlmPolicy := "policy-" + randHex(x.rng, 17)
	for range n {
		x.r.Snapshots = append(x.r.Snapshots, x.snapshot(dlmPolicy))
	}
}

func (x *ec2gen) snapshot(dlmPolicy string) *EC2Snapshot {
	now := x.org.Spec.Now
	s := &EC2Snapshot{ID: "snap-" + randHex(x.rng, 17), State: "completed", Progress: "100%", StorageTier: "standard"}
	kind := x.weighted([]float64{50, 15, 25, 10})
	var vol *EC2Volume
	var inst *EC2Instance
	switch kind {
	case snapBackup:
		if len(x.r.Volumes) == 0 {
			kind = snapOrphan
			break
		}
		vol = x.r.Volumes[x.rng.IntN(len(x.r.Volumes))]
	case snapImage:
		var live []*EC2Instance
		for _, in := range x.r.Instances {
			if in.State != "terminated" && len(in.Volumes) > 0 {
				live = append(live, in)
			}
		}
		if len(live) == 0 {
			kind = snapOrphan
			break
		}
		inst = live[x.rng.IntN(len(live))]
		for _, v := range x.r.Volumes {
			if v.ID == inst.Volumes[0] {
				vol = v
			}
		}
	}
	switch kind {
	case snapBackup:
		s.VolumeID, s.SizeGB, s.Encrypted, s.KMSKey = vol.ID, vol.SizeGB, vol.Encrypted, vol.KMSKey
		switch p := x.rng.Float64(); {
		case p < 0.4: // Data Lifecycle Manager's daily schedule, tags copied
			s.Started = x.between(laterOf(vol.Created, now.AddDate(0, 0, -14)), now.Add(-time.Hour))
			s.Description = fmt.Sprintf("Created for policy: %s schedule: Daily snapshots", dlmPolicy)
			s.Tags = ec2CopyTags(vol.Tags)
			s.Tags["aws:dlm:lifecycle-policy-id"], s.Tags["aws:dlm:lifecycle-schedule-name"], s.Tags["dlm:managed"] = dlmPolicy, "Daily snapshots", "true"
		case p < 0.6: // AWS Backup copies the volume's tags
			s.Started = x.between(laterOf(vol.Created, now.AddDate(0, 0, -35)), now.Add(-time.Hour))
			s.Description = "This snapshot is created by the AWS Backup service."
			s.Tags = ec2CopyTags(vol.Tags)
		default: // by hand, before a change
			s.Started = x.between(laterOf(vol.Created, now.AddDate(-1, 0, 0)), now.Add(-time.Hour))
			s.Description = []string{"", "", "before upgrade", "pre-migration backup", "manual snapshot"}[x.rng.IntN(5)]
			s.Tags = x.tags(ec2Suffixed(vol.Tags["Name"], "-snap"), 0.5)
		}
	case snapImage:
		s.VolumeID, s.SizeGB, s.Encrypted, s.KMSKey = vol.ID, vol.SizeGB, vol.Encrypted, vol.KMSKey
		s.Started = x.between(laterOf(vol.Created, now.AddDate(-2, 0, 0)), now.Add(-time.Hour))
		s.Description = fmt.Sprintf("Created by CreateImage(%s) for ami-%s", inst.ID, randHex(x.rng, 17))
		s.Tags = x.tags("", 0.7)
	case snapOrphan:
		// Older snapshots, from before encryption was the norm.
		s.VolumeID, s.SizeGB = "vol-"+randHex(x.rng, 17), []int{8, 20, 50, 100, 200, 500}[x.rng.IntN(6)]
		s.Started = x.ago(60, 1500)
		if x.rng.Float64() < 0.6 {
			x.encryptSnapshot(s)
		}
		s.Description = []string{"", "final snapshot before deletion", "old db volume", "backup"}[x.rng.IntN(4)]
		s.Tags = x.tags(fmt.Sprintf("old-%s-data", ec2LinuxRoles[x.rng.IntN(len(ec2LinuxRoles))]), 0.5)
	case snapCopy:
		// Copies are the usual way to encrypt an old snapshot or to move
		// one for disaster recovery.
		s.VolumeID, s.SizeGB = ec2CopiedVolume, []int{8, 30, 100, 200}[x.rng.IntN(4)]
		s.Started = x.ago(1, 700)
		if x.rng.Float64() < 0.8 {
			x.encryptSnapshot(s)
		}
		s.Description = fmt.Sprintf("[Copied snap-%s from %s]", randHex(x.rng, 17), x.otherRegion())
		s.Tags = x.tags("dr-copy", 0.5)
	}
	// A snapshot still being taken, or one that failed.
	if kind == snapBackup {
		switch p := x.rng.Float64(); {
		case p < 0.04:
			s.State, s.Progress = "pending", fmt.Sprintf("%d%%", x.rng.IntN(100))
			s.Started = laterOf(vol.Created, now.Add(-time.Duration(1+x.rng.IntN(7200))*time.Second))
		case p < 0.05:
			s.State, s.Progress = "error", "0%"
		}
	}
	if s.State == "completed" && s.Started.Before(now.AddDate(0, 0, -90)) && (kind == snapOrphan || kind == snapBackup) && x.rng.Float64() < 0.2 {
		s.StorageTier = "archive"
	}
	// Who else may create volumes from it: AWS allows public only when
	// unencrypted and sharing only without the AWS managed key.
	if s.State == "completed" {
		if !s.Encrypted && x.rng.Float64() < 0.15 {
			s.Public = true
		}
		if (!s.Encrypted || s.KMSKey == x.cmk) && x.rng.Float64() < 0.15 {
			s.SharedWith = x.shareTargets()
		}
	}
	if x.rng.Float64() < 0.05 {
		s.Tags["DataClassification"], s.AttributeDenied = "restricted", true
	}
	return s
}

// encryptSnapshot encrypts a snapshot with the region's AWS managed key or,
// for some, the customer managed key.
func (x *ec2gen) encryptSnapshot(s *EC2Snapshot) {
	s.Encrypted, s.KMSKey = true, x.ebsKey
	if x.rng.Float64() < 0.4 {
		s.KMSKey = x.cmk
	}
}

// shareTargets picks one or two accounts to share with: a production
// account of the organization (the first ones generated, which every
// spec size has) or an outside vendor.
func (x *ec2gen) shareTargets() []string {
	var out []string
	for range 1 + x.rng.IntN(2) {
		var id string
		members := x.org.Accounts[:min(7, len(x.org.Accounts))]
		if m := members[x.rng.IntN(len(members))]; x.rng.Float64() < 0.6 && m.ID != x.acct.ID {
			id = m.ID
		} else {
			id = ec2VendorAccounts[x.rng.IntN(len(ec2VendorAccounts))]
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ec2VendorAccounts are outside accounts snapshots get shared with (a
// support vendor, a migration partner).
var ec2VendorAccounts = []string{"463920185537", "718264099301", "295184670012"}

func (x *ec2gen) otherRegion() string {
	for {
		if r := enabledRegionNames[x.rng.IntN(len(enabledRegionNames))]; r != x.region.Name {
			return r
		}
	}
}

// between is a second-precision time in [from, to); to when the range is empty.
func (x *ec2gen) between(from, to time.Time) time.Time {
	secs := int64(to.Sub(from) / time.Second)
	if secs <= 0 {
		return to.UTC()
	}
	return from.Add(time.Duration(x.rng.Int64N(secs)) * time.Second).UTC()
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// expectedEC2Security is what the ebs_snapshot and ebs_default_encryption
// collectors must emit for one account region, derived from the model.
func (o *Org) expectedEC2Security(a *Account, r *Region) []inventory.Record {
	var out []inventory.Record
	for _, s := range r.EC2.Snapshots {
		arn := fmt.Sprintf("arn:aws:ec2:%s::snapshot/%s", r.Name, s.ID)
		out = append(out, truthRecord(a, r.Name, ec2TypeSnapshot, s.ID, arn, ec2CopyTags(s.Tags), ec2SnapshotAttrs(s)))
	}
	key := r.EC2.EBSDefaultKMSKey
	if key == "" {
		key = ec2AWSManagedEBSKey
	}
	attrs := map[string]any{"enabled": r.EC2.EBSEncryptionByDefault, "kms_key_id": key}
	// The setting has no ARN; the region names it within the account.
	out = append(out, truthRecord(a, r.Name, ec2TypeDefaultEncryption, r.Name, "", nil, attrs))
	return out
}

func ec2SnapshotAttrs(s *EC2Snapshot) map[string]any {
	m := map[string]any{
		"state": s.State, "size_gb": s.SizeGB, "encrypted": s.Encrypted,
		"start_time": ec2Time(s.Started), "storage_tier": s.StorageTier,
	}
	ec2Set(m, "name", s.Tags["Name"])
	ec2Set(m, "description", s.Description)
	if s.VolumeID != ec2CopiedVolume {
		m["volume_id"] = s.VolumeID
	}
	if s.Encrypted {
		m["kms_key_id"] = s.KMSKey
	}
	if s.AttributeDenied {
		m["unreadable"] = []string{"DescribeSnapshotAttribute"}
	} else {
		m["public"], m["shared_with_accounts"] = s.Public, append([]string{}, s.SharedWith...)
	}
	return m
}
