package security

import (
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func ebsChecks() []Check {
	return []Check{
		{
			ID: "ebs-volume-encrypted", Title: "EBS volume is encrypted", Severity: High, Kind: Encryption,
			ResourceType: inventory.EBSVolume, CIS: "2.2.1", Prowler: []string{"ec2_ebs_volume_encryption"},
			Remediation: "Snapshot the volume, copy the snapshot with encryption, create a volume from it and swap it in (delete the volume if it is unused); turn on EBS encryption by default in the region.",
			Eval:        onAttrs(boolCheck("encrypted", true, "volume is encrypted", "volume is not encrypted")),
		},
		{
			ID: "ebs-default-encryption", Title: "EBS encryption by default is on in the region", Severity: Medium, Kind: Encryption,
			ResourceType: inventory.EBSDefaultEncryption, CIS: "2.2.1", Prowler: []string{"ec2_ebs_default_encryption"},
			Remediation: "aws ec2 enable-ebs-encryption-by-default --region REGION (optionally modify-ebs-default-kms-key-id with a customer managed key); it applies to new volumes only.",
			Eval:        onAttrs(boolCheck("enabled", true, "new volumes are encrypted by default", "EBS encryption by default is off")),
		},
		{
			ID: "ebs-snapshot-not-public", Title: "EBS snapshot is not shared publicly", Severity: Critical, Kind: Exposure,
			ResourceType: inventory.EBSSnapshot, Prowler: []string{"ec2_ebs_public_snapshot"},
			Remediation: "aws ec2 modify-snapshot-attribute --snapshot-id ID --attribute createVolumePermission --operation-type remove --group-names all; turn on block public access for snapshots in the region.",
			Eval:        onAttrs(boolCheck("public", false, "snapshot is not public", "anyone can create a volume from this snapshot (createVolumePermission group all)")),
		},
		{
			ID: "ebs-snapshot-encrypted", Title: "EBS snapshot is encrypted", Severity: Medium, Kind: Encryption,
			ResourceType: inventory.EBSSnapshot, Prowler: []string{"ec2_ebs_snapshots_encrypted"},
			Remediation: "Copy the snapshot with --encrypted (and a KMS key), delete the unencrypted one; encrypt the source volume so its next snapshots are encrypted.",
			Eval:        onAttrs(boolCheck("encrypted", true, "snapshot is encrypted", "snapshot is not encrypted")),
		},
	}
}
