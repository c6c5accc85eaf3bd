package security

import (
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func rdsChecks() []Check {
	var cs []Check
	for _, t := range []string{inventory.RDSInstance, inventory.RDSCluster} {
		kind, prowler := "instance", "rds_instance_"
		if t == inventory.RDSCluster {
			kind, prowler = "cluster", "rds_cluster_"
		}
		backups := []string{"rds_instance_backup_enabled"}
		if t == inventory.RDSCluster {
			backups = nil
		}
		cs = append(cs,
			Check{
				ID: "rds-" + kind + "-encrypted", Title: "RDS " + kind + " storage is encrypted", Severity: High, Kind: Encryption,
				ResourceType: t, CIS: "2.3.1", Prowler: []string{prowler + "storage_encrypted"},
				Remediation: "Encryption cannot be turned on in place: snapshot, copy the snapshot with a KMS key, restore from it and switch the endpoint.",
				Eval:        clusterMember(t, boolCheck("encrypted", true, "storage is encrypted", "storage is not encrypted")),
			},
			Check{
				ID: "rds-" + kind + "-backups-enabled", Title: "RDS " + kind + " keeps automated backups", Severity: Medium, Kind: Resilience,
				ResourceType: t, Prowler: backups,
				Remediation: "Set the backup retention period to at least 7 days (modify-db-" + kind + " --backup-retention-period 7).",
				Eval:        clusterMember(t, backupsEnabled),
			},
			Check{
				ID: "rds-" + kind + "-deletion-protection", Title: "RDS " + kind + " has deletion protection", Severity: Low, Kind: Resilience,
				ResourceType: t, Prowler: []string{prowler + "deletion_protection"},
				Remediation: "Turn on deletion protection for production databases (modify-db-" + kind + " --deletion-protection).",
				Eval:        clusterMember(t, boolCheck("deletion_protection", true, "deletion protection on", "deletion protection off")),
			},
		)
	}
	return append(cs,
		Check{
			ID: "rds-instance-not-public", Title: "RDS instance is not publicly accessible", Severity: Critical, Kind: Exposure,
			ResourceType: inventory.RDSInstance, CIS: "2.3.3", Prowler: []string{"rds_instance_no_public_access"},
			Remediation: "Modify the instance with --no-publicly-accessible and keep it in private subnets; allow only the application's security group.",
			Eval:        onAttrs(boolCheck("publicly_accessible", false, "not publicly accessible", "publicly accessible")),
		},
		Check{
			ID: "rds-instance-minor-upgrades", Title: "RDS instance applies minor version upgrades", Severity: Low, Kind: Hardening,
			ResourceType: inventory.RDSInstance, CIS: "2.3.2", Prowler: []string{"rds_instance_minor_version_upgrade_enabled"},
			Remediation: "Turn on auto minor version upgrade so security patches are applied in the maintenance window.",
			Eval:        onAttrs(boolCheck("auto_minor_version_upgrade", true, "auto minor version upgrade on", "auto minor version upgrade off")),
		},
		Check{
			ID: "rds-snapshot-not-public", Title: "RDS snapshot is not public", Severity: Critical, Kind: Exposure,
			ResourceType: inventory.RDSSnapshot, Prowler: []string{"rds_snapshots_public_access"},
			Remediation: "aws rds modify-db-snapshot-attribute --db-snapshot-identifier ID --attribute-name restore --values-to-remove all",
			Eval:        onAttrs(boolCheck("public", false, "snapshot is not public", "anyone can restore this snapshot (restore attribute all)")),
		},
		Check{
			ID: "rds-snapshot-encrypted", Title: "RDS snapshot is encrypted", Severity: Medium, Kind: Encryption,
			ResourceType: inventory.RDSSnapshot, Prowler: []string{"rds_snapshots_encrypted"},
			Remediation: "Copy the snapshot with a KMS key (copy-db-snapshot --kms-key-id) and delete the unencrypted one; encrypt the source database.",
			Eval:        onAttrs(boolCheck("encrypted", true, "snapshot is encrypted", "snapshot is not encrypted")),
		},
	)
}

// clusterMember leaves Aurora member instances to the cluster checks:
// their encryption, backups and deletion protection are the cluster's (RDS
// reports deletion protection off on every member), so judging the
// instance would count the cluster's state once per member, or raise a
// false finding.
func clusterMember(t string, f func(map[string]any) Result) func(inventory.Record, *Index) Result {
	return func(r inventory.Record, _ *Index) Result {
		if t == inventory.RDSInstance {
			if c, _ := stringAttr(r.Attributes, "cluster_id"); c != "" {
				return notApplicable("member of cluster " + c + ": see the rds-cluster checks")
			}
		}
		return f(r.Attributes)
	}
}

func backupsEnabled(a map[string]any) Result {
	days, ok := numberAttr(a, "backup_retention_days")
	if !ok {
		return unknown(missing(a, "backup_retention_days"))
	}
	if days == 0 {
		return fail("automated backups are disabled (retention 0 days)")
	}
	return pass(fmt.Sprintf("backups kept %d days", int(days)))
}
