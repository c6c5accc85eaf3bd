package security

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

const acct = "111111111111"

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func rec(t string, attrs map[string]any) inventory.Record {
	return recID(t, "r-1", attrs)
}

func recID(t, id string, attrs map[string]any) inventory.Record {
	region := "us-east-1"
	switch t {
	case inventory.IAMAccount, inventory.IAMUser, inventory.CloudTrailTrail, inventory.S3AccountPublicAccessBlock:
		region = inventory.GlobalRegion
	}
	return inventory.Record{ResourceType: t, ResourceID: id, AccountID: acct, AccountName: "prod", Department: "Engineering",
		Region: region, Attributes: attrs}
}

func checkByID(t *testing.T, id string) Check {
	t.Helper()
	c, ok := CheckByID(id)
	if !ok {
		t.Fatalf("no check %s", id)
	}
	return c
}

type m = map[string]any

var (
	pabOn  = m{"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}
	pabOff = m{"block_public_acls": true, "ignore_public_acls": false, "block_public_policy": true, "restrict_public_buckets": true}
)

func with(base m, kv ...any) m {
	out := m{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func rule(proto string, from, to int, v4, v6 []string) map[string]any {
	return m{"protocol": proto, "from_port": from, "to_port": to, "ipv4_ranges": v4, "ipv6_ranges": v6,
		"source_groups": []string{}, "prefix_lists": []string{}}
}

// stored is a rule as it comes back from a store (decoded JSON).
func stored(proto string, from, to float64, v4, v6 []any) any {
	return map[string]any{"protocol": proto, "from_port": from, "to_port": to, "ipv4_ranges": v4, "ipv6_ranges": v6}
}

type checkCase struct {
	name   string
	check  string
	rec    inventory.Record
	others []inventory.Record
	opts   Options
	want   Status
}

func checkCases() []checkCase {
	webSG := recID(inventory.SecurityGroup, "sg-web", m{"open_ports_to_world": []string{"icmp", "tcp/443", "tcp/80"}})
	sshSG := recID(inventory.SecurityGroup, "sg-ssh", m{"open_ports_to_world": []any{"tcp/22"}})
	encVol := recID(inventory.EBSVolume, "vol-enc", m{"encrypted": true})
	plainVol := recID(inventory.EBSVolume, "vol-plain", m{"encrypted": false})
	noEncVol := recID(inventory.EBSVolume, "vol-x", m{})
	acctPAB := recID(inventory.S3AccountPublicAccessBlock, acct, with(pabOn, "configured", true))
	loggedBucket := recID(inventory.S3Bucket, "trail-logs", m{"logging_enabled": true})
	unloggedBucket := recID(inventory.S3Bucket, "trail-logs", m{"logging_enabled": false})
	key := func(active bool, days int) []any {
		return []any{active, now.AddDate(0, 0, -days).Format(time.RFC3339)}
	}
	user := func(k1, k2 []any) m {
		a := m{"password_enabled": false, "mfa_active": false}
		a["access_key_1_active"], a["access_key_2_active"] = k1[0], k2[0]
		if len(k1) > 1 {
			a["access_key_1_last_rotated"] = k1[1]
		}
		if len(k2) > 1 {
			a["access_key_2_last_rotated"] = k2[1]
		}
		return a
	}
	ago := func(days int) string { return now.AddDate(0, 0, -days).Format(time.RFC3339) }
	policy := m{"password_policy": true, "min_length": 14, "reuse_prevention": 24.0}
	return []checkCase{
		// EC2 instances
		{"tokens required", "ec2-instance-imdsv2", rec(inventory.EC2Instance, m{"state": "running", "imds_http_tokens": "required"}), nil, Options{}, Pass},
		{"metadata off", "ec2-instance-imdsv2", rec(inventory.EC2Instance, m{"imds_http_tokens": "optional", "imds_endpoint": "disabled"}), nil, Options{}, Pass},
		{"tokens optional", "ec2-instance-imdsv2", rec(inventory.EC2Instance, m{"state": "stopped", "imds_http_tokens": "optional"}), nil, Options{}, Fail},
		{"no metadata options", "ec2-instance-imdsv2", rec(inventory.EC2Instance, m{"state": "running"}), nil, Options{}, Unknown},
		{"terminated", "ec2-instance-imdsv2", rec(inventory.EC2Instance, m{"state": "terminated"}), nil, Options{}, NotApplicable},

		{"no public IP", "ec2-instance-public-exposed", rec(inventory.EC2Instance, m{"security_group_ids": []string{"sg-ssh"}}), []inventory.Record{sshSG}, Options{}, Pass},
		{"public web server", "ec2-instance-public-exposed", rec(inventory.EC2Instance, m{"public_ip": "3.3.3.3", "security_group_ids": []any{"sg-web"}}), []inventory.Record{webSG}, Options{}, Pass},
		{"public with SSH open", "ec2-instance-public-exposed", rec(inventory.EC2Instance, m{"public_ip": "3.3.3.3", "security_group_ids": []string{"sg-web", "sg-ssh"}}), []inventory.Record{webSG, sshSG}, Options{}, Fail},
		{"group not collected", "ec2-instance-public-exposed", rec(inventory.EC2Instance, m{"public_ip": "3.3.3.3", "security_group_ids": []string{"sg-ssh"}}), nil, Options{}, Unknown},
		{"groups unknown", "ec2-instance-public-exposed", rec(inventory.EC2Instance, m{"public_ip": "3.3.3.3"}), nil, Options{}, Unknown},

		{"volumes encrypted", "ec2-instance-volumes-encrypted", rec(inventory.EC2Instance, m{"volume_ids": []string{"vol-enc"}}), []inventory.Record{encVol}, Options{}, Pass},
		{"a volume plain", "ec2-instance-volumes-encrypted", rec(inventory.EC2Instance, m{"volume_ids": []any{"vol-enc", "vol-plain"}}), []inventory.Record{encVol, plainVol}, Options{}, Fail},
		{"volume not collected", "ec2-instance-volumes-encrypted", rec(inventory.EC2Instance, m{"volume_ids": []string{"vol-gone"}}), nil, Options{}, Unknown},
		{"volume encryption unknown", "ec2-instance-volumes-encrypted", rec(inventory.EC2Instance, m{"volume_ids": []string{"vol-x"}}), []inventory.Record{noEncVol}, Options{}, Unknown},
		{"instance store only", "ec2-instance-volumes-encrypted", rec(inventory.EC2Instance, m{"volume_ids": []string{}}), nil, Options{}, NotApplicable},

		// EBS
		{"encrypted", "ebs-volume-encrypted", rec(inventory.EBSVolume, m{"encrypted": true}), nil, Options{}, Pass},
		{"plain", "ebs-volume-encrypted", rec(inventory.EBSVolume, m{"encrypted": false}), nil, Options{}, Fail},
		{"missing", "ebs-volume-encrypted", rec(inventory.EBSVolume, m{}), nil, Options{}, Unknown},
		{"on", "ebs-default-encryption", rec(inventory.EBSDefaultEncryption, m{"enabled": true}), nil, Options{}, Pass},
		{"off", "ebs-default-encryption", rec(inventory.EBSDefaultEncryption, m{"enabled": false}), nil, Options{}, Fail},
		{"denied", "ebs-default-encryption", rec(inventory.EBSDefaultEncryption, m{"unreadable": []string{"GetEbsEncryptionByDefault"}}), nil, Options{}, Unknown},
		{"private", "ebs-snapshot-not-public", rec(inventory.EBSSnapshot, m{"public": false, "shared_with_accounts": []string{"222222222222"}}), nil, Options{}, Pass},
		{"public", "ebs-snapshot-not-public", rec(inventory.EBSSnapshot, m{"public": true}), nil, Options{}, Fail},
		{"attribute denied", "ebs-snapshot-not-public", rec(inventory.EBSSnapshot, m{"encrypted": true, "unreadable": []any{"DescribeSnapshotAttribute"}}), nil, Options{}, Unknown},
		{"encrypted", "ebs-snapshot-encrypted", rec(inventory.EBSSnapshot, m{"encrypted": true}), nil, Options{}, Pass},
		{"plain", "ebs-snapshot-encrypted", rec(inventory.EBSSnapshot, m{"encrypted": false}), nil, Options{}, Fail},
		{"missing", "ebs-snapshot-encrypted", rec(inventory.EBSSnapshot, m{}), nil, Options{}, Unknown},

		// Security groups
		{"v4 web only", "sg-admin-ports-open-ipv4", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("tcp", 443, 443, []string{anyIPv4}, []string{}), rule("tcp", 22, 22, []string{"10.0.0.0/8"}, []string{})}}), nil, Options{}, Pass},
		{"v4 range over 22", "sg-admin-ports-open-ipv4", rec(inventory.SecurityGroup, m{"ingress_rules": []any{stored("tcp", 20, 25, []any{anyIPv4}, []any{})}}), nil, Options{}, Fail},
		{"v4 all traffic", "sg-admin-ports-open-ipv4", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("all", 0, 65535, []string{anyIPv4}, nil)}}), nil, Options{}, Fail},
		{"v4 udp rdp", "sg-admin-ports-open-ipv4", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("udp", 3389, 3389, []string{anyIPv4}, nil)}}), nil, Options{}, Fail},
		{"v4 only v6 open", "sg-admin-ports-open-ipv4", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("tcp", 22, 22, nil, []string{anyIPv6})}}), nil, Options{}, Pass},
		{"v4 rules missing", "sg-admin-ports-open-ipv4", rec(inventory.SecurityGroup, m{"open_ports_to_world": []string{"tcp/22"}}), nil, Options{}, Unknown},
		{"v6 closed", "sg-admin-ports-open-ipv6", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("tcp", 22, 22, []string{anyIPv4}, nil)}}), nil, Options{}, Pass},
		{"v6 ssh", "sg-admin-ports-open-ipv6", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("tcp", 22, 22, nil, []string{anyIPv6})}}), nil, Options{}, Fail},
		{"v6 malformed", "sg-admin-ports-open-ipv6", rec(inventory.SecurityGroup, m{"ingress_rules": []any{"tcp/22"}}), nil, Options{}, Unknown},
		{"data closed", "sg-data-ports-open", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("tcp", 5432, 5432, []string{"10.0.0.0/16"}, nil), rule("tcp", 443, 443, []string{anyIPv4}, nil)}}), nil, Options{}, Pass},
		{"postgres v4", "sg-data-ports-open", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("tcp", 5432, 5432, []string{anyIPv4}, nil)}}), nil, Options{}, Fail},
		{"redis v6", "sg-data-ports-open", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("tcp", 6379, 6379, nil, []string{anyIPv6})}}), nil, Options{}, Fail},
		{"data missing", "sg-data-ports-open", rec(inventory.SecurityGroup, m{}), nil, Options{}, Unknown},
		{"some ports", "sg-all-ports-open", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("tcp", 0, 1024, []string{anyIPv4}, nil), rule("all", 0, 65535, []string{"10.0.0.0/8"}, nil)}}), nil, Options{}, Pass},
		{"all traffic v6", "sg-all-ports-open", rec(inventory.SecurityGroup, m{"ingress_rules": []map[string]any{rule("all", 0, 65535, nil, []string{anyIPv6})}}), nil, Options{}, Fail},
		{"tcp 0-65535", "sg-all-ports-open", rec(inventory.SecurityGroup, m{"ingress_rules": []any{stored("tcp", 0, 65535, []any{anyIPv4}, nil)}}), nil, Options{}, Fail},
		{"all missing", "sg-all-ports-open", rec(inventory.SecurityGroup, m{}), nil, Options{}, Unknown},
		{"default empty", "sg-default-restricts-all", rec(inventory.SecurityGroup, m{"is_default": true, "ingress_rules": []any{}, "egress_rule_count": 0.0}), nil, Options{}, Pass},
		{"not default", "sg-default-restricts-all", rec(inventory.SecurityGroup, m{"is_default": false}), nil, Options{}, NotApplicable},
		{"default with egress", "sg-default-restricts-all", rec(inventory.SecurityGroup, m{"is_default": true, "ingress_rules": []any{}, "egress_rule_count": 1}), nil, Options{}, Fail},
		{"default rules missing", "sg-default-restricts-all", rec(inventory.SecurityGroup, m{"is_default": true}), nil, Options{}, Unknown},

		// RDS
		{"encrypted", "rds-instance-encrypted", rec(inventory.RDSInstance, m{"encrypted": true}), nil, Options{}, Pass},
		{"plain", "rds-instance-encrypted", rec(inventory.RDSInstance, m{"encrypted": false}), nil, Options{}, Fail},
		{"missing", "rds-instance-encrypted", rec(inventory.RDSInstance, m{}), nil, Options{}, Unknown},
		{"aurora member", "rds-instance-encrypted", rec(inventory.RDSInstance, m{"encrypted": false, "cluster_id": "c-1"}), nil, Options{}, NotApplicable},
		{"encrypted", "rds-cluster-encrypted", rec(inventory.RDSCluster, m{"encrypted": true}), nil, Options{}, Pass},
		{"plain", "rds-cluster-encrypted", rec(inventory.RDSCluster, m{"encrypted": false}), nil, Options{}, Fail},
		{"missing", "rds-cluster-encrypted", rec(inventory.RDSCluster, m{}), nil, Options{}, Unknown},
		{"7 days", "rds-instance-backups-enabled", rec(inventory.RDSInstance, m{"backup_retention_days": 7}), nil, Options{}, Pass},
		{"0 days", "rds-instance-backups-enabled", rec(inventory.RDSInstance, m{"backup_retention_days": 0.0}), nil, Options{}, Fail},
		{"missing", "rds-instance-backups-enabled", rec(inventory.RDSInstance, m{}), nil, Options{}, Unknown},
		{"1 day", "rds-cluster-backups-enabled", rec(inventory.RDSCluster, m{"backup_retention_days": 1.0}), nil, Options{}, Pass},
		{"0 days", "rds-cluster-backups-enabled", rec(inventory.RDSCluster, m{"backup_retention_days": 0.0}), nil, Options{}, Fail},
		{"missing", "rds-cluster-backups-enabled", rec(inventory.RDSCluster, m{}), nil, Options{}, Unknown},
		{"on", "rds-instance-deletion-protection", rec(inventory.RDSInstance, m{"deletion_protection": true}), nil, Options{}, Pass},
		{"off", "rds-instance-deletion-protection", rec(inventory.RDSInstance, m{"deletion_protection": false}), nil, Options{}, Fail},
		{"missing", "rds-instance-deletion-protection", rec(inventory.RDSInstance, m{}), nil, Options{}, Unknown},
		{"aurora member", "rds-instance-deletion-protection", rec(inventory.RDSInstance, m{"deletion_protection": false, "cluster_id": "c-1"}), nil, Options{}, NotApplicable},
		{"on", "rds-cluster-deletion-protection", rec(inventory.RDSCluster, m{"deletion_protection": true}), nil, Options{}, Pass},
		{"off", "rds-cluster-deletion-protection", rec(inventory.RDSCluster, m{"deletion_protection": false}), nil, Options{}, Fail},
		{"missing", "rds-cluster-deletion-protection", rec(inventory.RDSCluster, m{}), nil, Options{}, Unknown},
		{"private", "rds-instance-not-public", rec(inventory.RDSInstance, m{"publicly_accessible": false}), nil, Options{}, Pass},
		{"public", "rds-instance-not-public", rec(inventory.RDSInstance, m{"publicly_accessible": true, "cluster_id": "c-1"}), nil, Options{}, Fail},
		{"missing", "rds-instance-not-public", rec(inventory.RDSInstance, m{}), nil, Options{}, Unknown},
		{"on", "rds-instance-minor-upgrades", rec(inventory.RDSInstance, m{"auto_minor_version_upgrade": true}), nil, Options{}, Pass},
		{"off", "rds-instance-minor-upgrades", rec(inventory.RDSInstance, m{"auto_minor_version_upgrade": false}), nil, Options{}, Fail},
		{"missing", "rds-instance-minor-upgrades", rec(inventory.RDSInstance, m{}), nil, Options{}, Unknown},
		{"private", "rds-snapshot-not-public", rec(inventory.RDSSnapshot, m{"public": false}), nil, Options{}, Pass},
		{"public", "rds-snapshot-not-public", rec(inventory.RDSSnapshot, m{"public": true}), nil, Options{}, Fail},
		{"denied", "rds-snapshot-not-public", rec(inventory.RDSSnapshot, m{"unreadable": []string{"DescribeDBSnapshotAttributes"}}), nil, Options{}, Unknown},
		{"encrypted", "rds-snapshot-encrypted", rec(inventory.RDSSnapshot, m{"encrypted": true}), nil, Options{}, Pass},
		{"plain", "rds-snapshot-encrypted", rec(inventory.RDSSnapshot, m{"encrypted": false}), nil, Options{}, Fail},
		{"missing", "rds-snapshot-encrypted", rec(inventory.RDSSnapshot, m{}), nil, Options{}, Unknown},

		// S3
		{"kms", "s3-bucket-encrypted", rec(inventory.S3Bucket, m{"encryption": "aws:kms"}), nil, Options{}, Pass},
		{"none", "s3-bucket-encrypted", rec(inventory.S3Bucket, m{"encryption": "none"}), nil, Options{}, Fail},
		{"denied", "s3-bucket-encrypted", rec(inventory.S3Bucket, m{"unreadable": []string{"GetBucketEncryption"}}), nil, Options{}, Unknown},
		{"kms required", "s3-bucket-kms-encryption", rec(inventory.S3Bucket, m{"encryption": "aws:kms:dsse"}), nil, Options{RequireKMS: true}, Pass},
		{"sse-s3 when kms required", "s3-bucket-kms-encryption", rec(inventory.S3Bucket, m{"encryption": "AES256"}), nil, Options{RequireKMS: true}, Fail},
		{"none when kms required", "s3-bucket-kms-encryption", rec(inventory.S3Bucket, m{"encryption": "none"}), nil, Options{RequireKMS: true}, Fail},
		{"unreadable when kms required", "s3-bucket-kms-encryption", rec(inventory.S3Bucket, m{"unreadable": []string{"GetBucketEncryption"}}), nil, Options{RequireKMS: true}, Unknown},
		{"sse-s3 when kms not required", "s3-bucket-kms-encryption", rec(inventory.S3Bucket, m{"encryption": "AES256"}), nil, Options{}, NotApplicable},
		{"bucket block on", "s3-bucket-public-access-block", rec(inventory.S3Bucket, pabOn), nil, Options{}, Pass},
		{"bucket block off", "s3-bucket-public-access-block", rec(inventory.S3Bucket, pabOff), nil, Options{}, Fail},
		{"bucket off, account on", "s3-bucket-public-access-block", rec(inventory.S3Bucket, pabOff), []inventory.Record{acctPAB}, Options{}, Pass},
		{"bucket unreadable, account on", "s3-bucket-public-access-block", rec(inventory.S3Bucket, m{"unreadable": []string{"GetPublicAccessBlock"}}), []inventory.Record{acctPAB}, Options{}, Pass},
		{"bucket unreadable", "s3-bucket-public-access-block", rec(inventory.S3Bucket, m{"unreadable": []string{"GetPublicAccessBlock"}}), nil, Options{}, Unknown},
		{"account on", "s3-account-public-access-block", recID(inventory.S3AccountPublicAccessBlock, acct, with(pabOn, "configured", true)), nil, Options{}, Pass},
		{"account none", "s3-account-public-access-block", recID(inventory.S3AccountPublicAccessBlock, acct, m{"configured": false}), nil, Options{}, Fail},
		{"account partial", "s3-account-public-access-block", recID(inventory.S3AccountPublicAccessBlock, acct, with(pabOff, "configured", true)), nil, Options{}, Fail},
		{"account denied", "s3-account-public-access-block", recID(inventory.S3AccountPublicAccessBlock, acct, m{"unreadable": []string{"GetPublicAccessBlock"}}), nil, Options{}, Unknown},
		{"policy public", "s3-bucket-policy-not-public", rec(inventory.S3Bucket, m{"policy_is_public": true}), nil, Options{}, Fail},
		{"policy private", "s3-bucket-policy-not-public", rec(inventory.S3Bucket, m{"policy_is_public": false}), nil, Options{}, Pass},
		{"policy unknown", "s3-bucket-policy-not-public", rec(inventory.S3Bucket, m{}), nil, Options{}, Unknown},
		{"suspended", "s3-bucket-versioning", rec(inventory.S3Bucket, m{"versioning": "Suspended"}), nil, Options{}, Fail},
		{"enabled", "s3-bucket-versioning", rec(inventory.S3Bucket, m{"versioning": "Enabled"}), nil, Options{}, Pass},
		{"denied", "s3-bucket-versioning", rec(inventory.S3Bucket, m{"unreadable": []string{"GetBucketVersioning"}}), nil, Options{}, Unknown},
		{"mfa delete", "s3-bucket-mfa-delete", rec(inventory.S3Bucket, m{"mfa_delete": "Enabled"}), nil, Options{}, Pass},
		{"no mfa delete", "s3-bucket-mfa-delete", rec(inventory.S3Bucket, m{"mfa_delete": "Disabled"}), nil, Options{}, Fail},
		{"mfa delete denied", "s3-bucket-mfa-delete", rec(inventory.S3Bucket, m{"unreadable": []string{"GetBucketVersioning"}}), nil, Options{}, Unknown},
		{"logging off", "s3-bucket-access-logging", rec(inventory.S3Bucket, m{"logging_enabled": false}), nil, Options{}, Fail},
		{"logging on", "s3-bucket-access-logging", rec(inventory.S3Bucket, m{"logging_enabled": true}), nil, Options{}, Pass},
		{"logging missing", "s3-bucket-access-logging", rec(inventory.S3Bucket, m{}), nil, Options{}, Unknown},
		{"rules", "s3-bucket-lifecycle-rules", rec(inventory.S3Bucket, m{"lifecycle_rules": 2.0}), nil, Options{}, Pass},
		{"no rules", "s3-bucket-lifecycle-rules", rec(inventory.S3Bucket, m{"lifecycle_rules": 0}), nil, Options{}, Fail},
		{"rules denied", "s3-bucket-lifecycle-rules", rec(inventory.S3Bucket, m{"unreadable": []string{"GetBucketLifecycleConfiguration"}}), nil, Options{}, Unknown},

		// Lambda
		{"deprecated", "lambda-runtime-supported", rec(inventory.LambdaFunction, m{"runtime": "python3.8", "runtime_deprecated": true}), nil, Options{}, Fail},
		{"supported", "lambda-runtime-supported", rec(inventory.LambdaFunction, m{"runtime": "python3.13", "runtime_deprecated": false}), nil, Options{}, Pass},
		{"unknown runtime", "lambda-runtime-supported", rec(inventory.LambdaFunction, m{"runtime": "python9.9"}), nil, Options{}, Unknown},
		{"image", "lambda-runtime-supported", rec(inventory.LambdaFunction, m{"package_type": "Image"}), nil, Options{}, NotApplicable},
		{"url open", "lambda-url-requires-auth", rec(inventory.LambdaFunction, m{"function_url_auth_type": "NONE"}), nil, Options{}, Fail},
		{"url iam", "lambda-url-requires-auth", rec(inventory.LambdaFunction, m{"function_url_auth_type": "AWS_IAM"}), nil, Options{}, Pass},
		{"no url", "lambda-url-requires-auth", rec(inventory.LambdaFunction, m{"runtime": "python3.13"}), nil, Options{}, NotApplicable},
		{"url malformed", "lambda-url-requires-auth", rec(inventory.LambdaFunction, m{"function_url_auth_type": 3}), nil, Options{}, Unknown},
		{"no policy", "lambda-policy-not-public", rec(inventory.LambdaFunction, m{"has_resource_policy": false, "policy_public": false}), nil, Options{}, Pass},
		{"restricted policy", "lambda-policy-not-public", rec(inventory.LambdaFunction, m{"has_resource_policy": true, "policy_public": false}), nil, Options{}, Pass},
		{"public policy", "lambda-policy-not-public", rec(inventory.LambdaFunction, m{"has_resource_policy": true, "policy_public": true}), nil, Options{}, Fail},
		{"policy not read", "lambda-policy-not-public", rec(inventory.LambdaFunction, m{"runtime": "python3.13"}), nil, Options{}, Unknown},

		// Account
		{"root mfa", "account-root-mfa", recID(inventory.IAMAccount, acct, m{"root_mfa_enabled": true}), nil, Options{}, Pass},
		{"root no mfa", "account-root-mfa", recID(inventory.IAMAccount, acct, m{"root_mfa_enabled": false}), nil, Options{}, Fail},
		{"summary denied", "account-root-mfa", recID(inventory.IAMAccount, acct, m{"unreadable": []string{"GetAccountSummary"}}), nil, Options{}, Unknown},
		{"no root keys", "account-root-access-keys", recID(inventory.IAMAccount, acct, m{"root_access_keys": false}), nil, Options{}, Pass},
		{"root keys", "account-root-access-keys", recID(inventory.IAMAccount, acct, m{"root_access_keys": 1.0}), nil, Options{}, Fail},
		{"root keys missing", "account-root-access-keys", recID(inventory.IAMAccount, acct, m{}), nil, Options{}, Unknown},
		{"length 14", "account-password-policy-length", recID(inventory.IAMAccount, acct, policy), nil, Options{}, Pass},
		{"length 8", "account-password-policy-length", recID(inventory.IAMAccount, acct, with(policy, "min_length", 8)), nil, Options{}, Fail},
		{"no policy", "account-password-policy-length", recID(inventory.IAMAccount, acct, m{"password_policy": false}), nil, Options{}, Fail},
		{"policy denied", "account-password-policy-length", recID(inventory.IAMAccount, acct, m{"root_mfa_enabled": true}), nil, Options{}, Unknown},
		{"reuse 24", "account-password-policy-reuse", recID(inventory.IAMAccount, acct, policy), nil, Options{}, Pass},
		{"reuse 5", "account-password-policy-reuse", recID(inventory.IAMAccount, acct, with(policy, "reuse_prevention", 5)), nil, Options{}, Fail},
		{"reuse not set", "account-password-policy-reuse", recID(inventory.IAMAccount, acct, m{"password_policy": true, "min_length": 14}), nil, Options{}, Fail},
		{"reuse malformed", "account-password-policy-reuse", recID(inventory.IAMAccount, acct, m{"password_policy": true, "reuse_prevention": "x"}), nil, Options{}, Unknown},
		{"policy unreadable", "account-password-policy-reuse", recID(inventory.IAMAccount, acct, m{"unreadable": []string{"GetAccountPasswordPolicy"}}), nil, Options{}, Unknown},
		{"trail", "account-cloudtrail-multi-region", recID(inventory.IAMAccount, acct, m{"multi_region_logging_trail": true, "trails": 1}), nil, Options{}, Pass},
		{"no trail", "account-cloudtrail-multi-region", recID(inventory.IAMAccount, acct, m{"multi_region_logging_trail": false, "trails": 0}), nil, Options{}, Fail},
		{"trails denied", "account-cloudtrail-multi-region", recID(inventory.IAMAccount, acct, m{"unreadable": []string{"DescribeTrails"}}), nil, Options{}, Unknown},

		// IAM users
		{"console with mfa", "iam-user-console-mfa", recID(inventory.IAMUser, "alice", m{"password_enabled": true, "mfa_active": true}), nil, Options{}, Pass},
		{"console without mfa", "iam-user-console-mfa", recID(inventory.IAMUser, "bob", m{"password_enabled": true, "mfa_active": false}), nil, Options{}, Fail},
		{"no console", "iam-user-console-mfa", recID(inventory.IAMUser, "ci", m{"password_enabled": false, "mfa_active": false}), nil, Options{}, NotApplicable},
		{"report row short", "iam-user-console-mfa", recID(inventory.IAMUser, "x", m{"password_enabled": true}), nil, Options{}, Unknown},
		{"fresh key", "iam-user-access-keys-rotated", recID(inventory.IAMUser, "ci", user(key(true, 30), key(false, 400))), nil, Options{Now: now}, Pass},
		{"old key", "iam-user-access-keys-rotated", recID(inventory.IAMUser, "ci", user(key(true, 30), key(true, 91))), nil, Options{Now: now}, Fail},
		{"inactive old key", "iam-user-access-keys-rotated", recID(inventory.IAMUser, "ci", user(key(false, 500), key(false, 0))), nil, Options{Now: now}, NotApplicable},
		{"no rotation date", "iam-user-access-keys-rotated", recID(inventory.IAMUser, "ci", user([]any{true}, key(false, 1))), nil, Options{Now: now}, Unknown},
		{"used recently", "iam-user-unused-credentials", recID(inventory.IAMUser, "al", m{"password_enabled": true, "mfa_active": true, "password_last_used": ago(3),
			"access_key_1_active": true, "access_key_1_last_used_date": ago(1), "access_key_2_active": false}), nil, Options{Now: now}, Pass},
		{"password unused", "iam-user-unused-credentials", recID(inventory.IAMUser, "al", m{"password_enabled": true, "password_last_used": ago(60),
			"access_key_1_active": false, "access_key_2_active": false}), nil, Options{Now: now}, Fail},
		{"key never used, old", "iam-user-unused-credentials", recID(inventory.IAMUser, "ci", m{"password_enabled": false,
			"access_key_1_active": true, "access_key_1_last_rotated": ago(100), "access_key_2_active": false}), nil, Options{Now: now}, Fail},
		{"never signed in, new user", "iam-user-unused-credentials", recID(inventory.IAMUser, "new", m{"password_enabled": true, "user_creation_time": ago(2),
			"access_key_1_active": false, "access_key_2_active": false}), nil, Options{Now: now}, Pass},
		{"no credentials", "iam-user-unused-credentials", recID(inventory.IAMUser, "x", m{"password_enabled": false, "access_key_1_active": false, "access_key_2_active": false}), nil, Options{Now: now}, NotApplicable},
		{"no dates", "iam-user-unused-credentials", recID(inventory.IAMUser, "x", m{"password_enabled": true, "access_key_1_active": false, "access_key_2_active": false}), nil, Options{Now: now}, Unknown},
		{"one key", "iam-user-single-active-key", recID(inventory.IAMUser, "ci", user(key(true, 1), key(false, 1))), nil, Options{}, Pass},
		{"two keys", "iam-user-single-active-key", recID(inventory.IAMUser, "ci", user(key(true, 1), key(true, 1))), nil, Options{}, Fail},
		{"no keys", "iam-user-single-active-key", recID(inventory.IAMUser, "ci", user(key(false, 1), key(false, 1))), nil, Options{}, NotApplicable},
		{"keys missing", "iam-user-single-active-key", recID(inventory.IAMUser, "ci", m{"password_enabled": true}), nil, Options{}, Unknown},

		// CloudTrail and GuardDuty
		{"logging", "cloudtrail-trail-logging", recID(inventory.CloudTrailTrail, "main", m{"logging": true}), nil, Options{}, Pass},
		{"stopped", "cloudtrail-trail-logging", recID(inventory.CloudTrailTrail, "main", m{"logging": false}), nil, Options{}, Fail},
		{"status denied", "cloudtrail-trail-logging", recID(inventory.CloudTrailTrail, "main", m{"unreadable": []string{"GetTrailStatus"}}), nil, Options{}, Unknown},
		{"validation", "cloudtrail-log-file-validation", recID(inventory.CloudTrailTrail, "main", m{"log_file_validation": true}), nil, Options{}, Pass},
		{"no validation", "cloudtrail-log-file-validation", recID(inventory.CloudTrailTrail, "main", m{"log_file_validation": false}), nil, Options{}, Fail},
		{"validation missing", "cloudtrail-log-file-validation", recID(inventory.CloudTrailTrail, "main", m{}), nil, Options{}, Unknown},
		{"kms", "cloudtrail-kms-encryption", recID(inventory.CloudTrailTrail, "main", m{"log_file_validation": true, "kms_key_id": "arn:aws:kms:us-east-1:111111111111:key/k"}), nil, Options{}, Pass},
		{"no kms", "cloudtrail-kms-encryption", recID(inventory.CloudTrailTrail, "main", m{"logging": true, "kms_key_id": ""}), nil, Options{}, Fail},
		{"no kms attribute", "cloudtrail-kms-encryption", recID(inventory.CloudTrailTrail, "main", m{"log_file_validation": true, "unreadable": []string{"GetTrailStatus"}}), nil, Options{}, Fail},
		{"trail not read", "cloudtrail-kms-encryption", recID(inventory.CloudTrailTrail, "main", m{}), nil, Options{}, Unknown},
		{"bucket logs", "cloudtrail-bucket-access-logging", recID(inventory.CloudTrailTrail, "main", m{"s3_bucket": "trail-logs"}), []inventory.Record{loggedBucket}, Options{}, Pass},
		{"bucket does not log", "cloudtrail-bucket-access-logging", recID(inventory.CloudTrailTrail, "main", m{"s3_bucket": "trail-logs"}), []inventory.Record{unloggedBucket}, Options{}, Fail},
		{"bucket elsewhere", "cloudtrail-bucket-access-logging", recID(inventory.CloudTrailTrail, "main", m{"s3_bucket": "trail-logs"}), nil, Options{}, Unknown},
		{"enabled", "guardduty-enabled", recID(inventory.GuardDutyDetector, "d-1", m{"enabled": true, "status": "ENABLED"}), nil, Options{}, Pass},
		{"no detector", "guardduty-enabled", recID(inventory.GuardDutyDetector, "none", m{"enabled": false}), nil, Options{}, Fail},
		{"suspended", "guardduty-enabled", recID(inventory.GuardDutyDetector, "d-1", m{"enabled": false, "status": "DISABLED"}), nil, Options{}, Fail},
		{"denied", "guardduty-enabled", recID(inventory.GuardDutyDetector, "none", m{"unreadable": []string{"ListDetectors"}}), nil, Options{}, Unknown},
	}
}

func TestEachCheckPassesFailsAndSaysUnknownOnMissingData(t *testing.T) {
	seen := map[string]map[Status]bool{}
	for _, tc := range checkCases() {
		c := checkByID(t, tc.check)
		if tc.rec.ResourceType != c.ResourceType {
			t.Fatalf("%s/%s: record type %s, check is for %s", tc.check, tc.name, tc.rec.ResourceType, c.ResourceType)
		}
		recs := append([]inventory.Record{tc.rec}, tc.others...)
		got := c.Eval(tc.rec, NewIndex(recs, tc.opts))
		if got.Status != tc.want || got.Evidence == "" {
			t.Errorf("%s/%s on %v = %s (%q), want %s with evidence", tc.check, tc.name, tc.rec.Attributes, got.Status, got.Evidence, tc.want)
		}
		if seen[tc.check] == nil {
			seen[tc.check] = map[Status]bool{}
		}
		seen[tc.check][got.Status] = true
	}
	for _, c := range Checks() {
		for _, st := range []Status{Pass, Fail, Unknown} {
			if !seen[c.ID][st] {
				t.Errorf("check %s has no test case where it says %s", c.ID, st)
			}
		}
	}
}

func TestChecksHaveIdentityAndRemediation(t *testing.T) {
	if n := len(Checks()); n < 30 {
		t.Fatalf("%d checks, want at least 30", n)
	}
	seen := map[string]bool{}
	idRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)
	cisRE := regexp.MustCompile(`^[1-5](\.[0-9]+){1,2}$`)
	for _, c := range Checks() {
		if seen[c.ID] || !idRE.MatchString(c.ID) || c.Title == "" || c.Remediation == "" || c.Eval == nil || c.Kind == "" || c.ResourceType == "" {
			t.Errorf("check %q is incomplete or duplicated", c.ID)
		}
		if _, ok := ParseSeverity(string(c.Severity)); !ok {
			t.Errorf("check %s: severity %q", c.ID, c.Severity)
		}
		if c.CIS != "" && !cisRE.MatchString(c.CIS) {
			t.Errorf("check %s: CIS %q is not a v3.0.0 control number", c.ID, c.CIS)
		}
		seen[c.ID] = true
	}
}

// The comparison document names every check, with its severity and CIS
// control as the registry has them.
func TestCoverageDocumentListsEveryCheck(t *testing.T) {
	b, err := os.ReadFile("COVERAGE.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, c := range Checks() {
		row := ""
		for _, line := range strings.Split(doc, "\n") {
			if strings.HasPrefix(line, "| `"+c.ID+"`") {
				row = line
			}
		}
		if row == "" {
			t.Errorf("COVERAGE.md has no row for %s", c.ID)
			continue
		}
		cells := strings.Split(row, "|")
		if len(cells) < 5 || strings.TrimSpace(cells[2]) != string(c.Severity) || strings.TrimSpace(cells[3]) != c.CIS {
			t.Errorf("COVERAGE.md row for %s says %q, want severity %s and CIS %q", c.ID, row, c.Severity, c.CIS)
		}
		for _, p := range c.Prowler {
			if !strings.Contains(row, p) {
				t.Errorf("COVERAGE.md row for %s does not name Prowler's %s", c.ID, p)
			}
		}
	}
}
