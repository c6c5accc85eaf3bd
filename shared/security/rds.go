package security

import (
	"fmt"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func rdsChecks() []Check {
	var cs []Check
	for _, t := range []string{inventory.RDSInstance, inventory.RDSCluster} {
		kind := "instance"
		if t == inventory.RDSCluster {
			kind = "cluster"
		}
		cs = append(cs,
			Check{
				ID: "rds-" + kind + "-encrypted", Title: "RDS " + kind + " storage is encrypted", Severity: High, Kind: Encryption,
				ResourceType: t, CIS: "2.3.1",
				Remediation: "Encryption cannot be turned on in place: snapshot, copy the snapshot with a KMS key, restore from it and switch the endpoint.",
				Eval:        onAttrs(boolCheck("encrypted", true, "storage is encrypted", "storage is not encrypted")),
			},
			Check{
				ID: "rds-" + kind + "-backups-enabled", Title: "RDS " + kind + " keeps automated backups", Severity: Medium, Kind: Resilience,
				ResourceType: t,
				Remediation:  "Set the backup retention period to at least 7 days.",
				Eval:         onAttrs(backupsEnabled),
			},
			Check{
				ID: "rds-" + kind + "-deletion-protection", Title: "RDS " + kind + " has deletion protection", Severity: Low, Kind: Resilience,
				ResourceType: t,
				Remediation:  "Turn on deletion protection for production databases.",
				Eval:         onAttrs(boolCheck("deletion_protection", true, "deletion protection on", "deletion protection off")),
			},
		)
	}
	return append(cs,
		Check{
			ID: "rds-instance-not-public", Title: "RDS instance is not publicly accessible", Severity: Critical, Kind: Exposure,
			ResourceType: inventory.RDSInstance, CIS: "2.3.3",
			Remediation: "Modify the instance with PubliclyAccessible=false and keep it in private subnets.",
			Eval:        onAttrs(boolCheck("publicly_accessible", false, "not publicly accessible", "publicly accessible")),
		},
		Check{
			ID: "rds-instance-minor-upgrades", Title: "RDS instance applies minor version upgrades", Severity: Low, Kind: Hygiene,
			ResourceType: inventory.RDSInstance, CIS: "2.3.2",
			Remediation: "Turn on auto minor version upgrade so security patches are applied in the maintenance window.",
			Eval:        onAttrs(boolCheck("auto_minor_version_upgrade", true, "auto minor version upgrade on", "auto minor version upgrade off")),
		},
	)
}

func backupsEnabled(a map[string]any) Result {
	days, ok := numberAttr(a, "backup_retention_days")
	if !ok {
		return unknown("backup_retention_days was not collected")
	}
	if days == 0 {
		return fail("automated backups are disabled (retention 0 days)")
	}
	return pass(fmt.Sprintf("backups kept %d days", int(days)))
}
