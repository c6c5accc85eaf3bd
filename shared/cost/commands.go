package cost

import (
	"regexp"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// commands are the AWS CLI lines that carry a finding out, run with
// credentials for the resource's account (named in the first, comment,
// line). They are printed for a person to review and run: the inventory
// holds read-only roles and never changes a resource itself.
func commands(f Finding, r inventory.Record, x index, now time.Time) []string {
	id, region := r.ResourceID, " --region "+q(r.Region)
	day := now.Format("20060102")
	out := []string{"# account " + accountLabel(r.AccountName, r.AccountID) + ", " + r.Region}
	add := func(lines ...string) { out = append(out, lines...) }
	switch f.Kind {
	case StoppedInstance:
		add("aws ec2 create-image --instance-id "+q(id)+" --name "+q(id+"-before-terminate-"+day)+region,
			"aws ec2 terminate-instances --instance-ids "+q(id)+region)
		// Volumes not deleted with the instance would go on billing.
		for _, v := range x.volumes[[3]string{r.AccountID, r.Region, id}] {
			if dot, _ := boolean(v, "delete_on_termination"); !dot {
				add("aws ec2 delete-volume --volume-id " + q(v.ResourceID) + region + "  # not deleted on termination")
			}
		}
	case LowCPUInstance:
		add("aws ec2 stop-instances --instance-ids " + q(id) + region)
	case IdleDatabase:
		if dp, _ := boolean(r, "deletion_protection"); dp {
			add("aws rds modify-db-instance --db-instance-identifier " + q(id) + " --no-deletion-protection --apply-immediately" + region)
		}
		if str(r, "cluster_id") != "" {
			// Aurora members take no final snapshot: the cluster holds the data.
			add("aws rds delete-db-instance --db-instance-identifier " + q(id) + region)
		} else {
			add("aws rds delete-db-instance --db-instance-identifier " + q(id) + " --final-db-snapshot-identifier " + q(snapshotID(id, day)) + region)
		}
	case UnattachedVolume:
		add("# optional, keeps the data: aws ec2 create-snapshot --volume-id "+q(id)+" --description "+q("before deleting unattached "+id)+region,
			"aws ec2 delete-volume --volume-id "+q(id)+region)
	case UnassociatedIP:
		add("aws ec2 release-address --allocation-id " + q(id) + region)
	case EmptyBucket:
		add("aws s3api delete-bucket --bucket " + q(id) + region)
	case UnusedFunction:
		add("aws lambda delete-function --function-name " + q(id) + region)
	case Downsize, Graviton:
		if r.ResourceType == inventory.RDSInstance {
			add("aws rds modify-db-instance --db-instance-identifier " + q(id) + " --db-instance-class " + q(f.Target) + region)
			break
		}
		if f.Kind == Downsize {
			add("aws ec2 stop-instances --instance-ids "+q(id)+region,
				"aws ec2 wait instance-stopped --instance-ids "+q(id)+region,
				"aws ec2 modify-instance-attribute --instance-id "+q(id)+" --instance-type Value="+q(f.Target)+region,
				"aws ec2 start-instances --instance-ids "+q(id)+region)
			break
		}
		// An x86 AMI does not boot on arm64: the workload is relaunched
		// from an arm64 image, then the old instance retired.
		launch := "aws ec2 run-instances --image-id ARM64_AMI_ID --instance-type " + q(f.Target)
		if s := str(r, "subnet_id"); s != "" {
			launch += " --subnet-id " + q(s)
		}
		if sgs := stringList(r, "security_group_ids"); len(sgs) > 0 {
			qs := make([]string, len(sgs))
			for i, s := range sgs {
				qs[i] = q(s)
			}
			launch += " --security-group-ids " + strings.Join(qs, " ")
		}
		add("# relaunch from an arm64 build of the workload's AMI, then retire the old instance",
			launch+region,
			"aws ec2 terminate-instances --instance-ids "+q(id)+region)
	}
	return out
}

// snapshotID makes a DB snapshot identifier: letters, digits and hyphens,
// at most 255, no double hyphen.
func snapshotID(id, day string) string {
	s := id + "-final-" + day
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return s[:min(len(s), 255)]
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// q quotes a value for a POSIX shell when it needs it: resource names come
// from the accounts, so a name with a space or quote must not break (or
// inject into) the printed command.
func q(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
