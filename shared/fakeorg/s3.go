package fakeorg

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Bucket is one S3 bucket. Buckets belong to the account (ListBuckets is
// global) and each lives in one region, where its configuration calls and
// its CloudWatch storage metrics are answered.
type Bucket struct {
	Name    string
	Region  string
	Created time.Time
	// LegacyEU buckets were created with the old "EU" location constraint;
	// GetBucketLocation still answers "EU" for them (they are in eu-west-1).
	LegacyEU bool
	// Encryption is the default SSE algorithm: AES256, aws:kms, aws:kms:dsse,
	// or "" for an old bucket that never had default encryption.
	Encryption string
	KMSKeyID   string // customer managed key ARN; "" for the aws/s3 key
	BucketKey  bool
	// PublicAccessBlock is nil when the bucket has no configuration.
	PublicAccessBlock *BucketPublicAccessBlock
	HasPolicy         bool
	PolicyPublic      bool
	Versioning        string // "" (never set), Enabled, Suspended
	MFADelete         bool
	LifecycleRules    int
	LoggingTarget     string // "" when server access logging is off
	Tags              map[string]string
	// SizeByClass is BucketSizeBytes per StorageType as CloudWatch reports
	// it; nil (with Objects unset) for a bucket too new to have metrics.
	SizeByClass map[string]float64
	Objects     float64
	// Denied lists the operations the bucket policy denies to the inventory
	// role (AccessDenied), which the collector must report as unreadable.
	Denied map[string]bool
}

// BucketPublicAccessBlock is a bucket's S3 Block Public Access settings.
type BucketPublicAccessBlock struct {
	BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
}

// HasMetrics reports whether CloudWatch has storage datapoints for the bucket.
func (b *Bucket) HasMetrics() bool { return b.SizeByClass != nil }

// S3StorageTypes are the BucketSizeBytes storage types the collector reads.
var S3StorageTypes = []string{
	"StandardStorage", "StandardIAStorage", "OneZoneIAStorage", "GlacierInstantRetrievalStorage",
	"GlacierStorage", "DeepArchiveStorage", "IntelligentTieringFAStorage",
}

var s3Purposes = []string{
	"app-data", "static-assets", "backups", "logs", "data-lake", "artifacts", "uploads", "reports",
	"terraform-state", "athena-results", "ml-datasets", "media", "exports", "archive", "config",
}

// Since 5 Jan 2023 S3 encrypts every new bucket with SSE-S3, and since
// 28 Apr 2023 new buckets get Block Public Access on by default.
var (
	s3DefaultEncryptionSince = time.Date(2023, 1, 5, 0, 0, 0, 0, time.UTC)
	s3DefaultBPASince        = time.Date(2023, 4, 28, 0, 0, 0, 0, time.UTC)
)

// s3 generates the account's buckets in this region, about 3 at Scale 1.
func (g *gen) s3() {
	now := g.org.Spec.Now
	region := g.region.Name
	dept := strings.ToLower(g.acct.Department)
	n := g.count(3)
	purposes := append([]string(nil), s3Purposes...)
	g.rng.Shuffle(len(purposes), func(i, j int) { purposes[i], purposes[j] = purposes[j], purposes[i] })
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%s-%s-%s", dept, purposes[i%len(purposes)], g.acct.ID, region)
		if i >= len(purposes) {
			name += fmt.Sprintf("-%d", i/len(purposes)+1)
		}
		b := &Bucket{Name: name, Region: region, Denied: map[string]bool{}}
		g.bucketShape(b, now)
		g.acct.Buckets = append(g.acct.Buckets, b)
		if !b.HasMetrics() {
			continue
		}
		acct := g.acct.ID
		for class, v := range b.SizeByClass {
			g.org.SetMetric(acct, region, "AWS/S3", "BucketSizeBytes", map[string]string{"BucketName": b.Name, "StorageType": class}, "Average", v)
		}
		g.org.SetMetric(acct, region, "AWS/S3", "NumberOfObjects", map[string]string{"BucketName": b.Name, "StorageType": "AllStorageTypes"}, "Average", b.Objects)
	}
}

// bucketShape draws one bucket's age, configuration and contents, in a fixed
// order of random draws so the organization stays deterministic.
func (g *gen) bucketShape(b *Bucket, now time.Time) {
	r := g.rng
	newBucket := r.Float64() < 0.04 // created today: no storage metrics yet
	empty := !newBucket && r.Float64() < 0.08
	days := 1 + r.IntN(3200)
	switch {
	case newBucket:
		days = 0
	case empty && days < 91:
		days += 91 // emptied buckets left behind are old ones
	}
	b.Created = now.AddDate(0, 0, -days).Add(-time.Duration(r.IntN(86400)) * time.Second)
	if newBucket {
		b.Created = now.Add(-time.Duration(1+r.IntN(20)) * time.Hour)
	}
	b.LegacyEU = b.Region == "eu-west-1" && b.Created.Year() < 2019 && r.Float64() < 0.5

	switch e := r.Float64(); {
	case b.Created.Before(s3DefaultEncryptionSince) && e < 0.15:
		b.Encryption = ""
	case e < 0.30:
		b.Encryption = "aws:kms"
		if r.Float64() < 0.7 {
			b.KMSKeyID = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", b.Region, g.acct.ID, s3RandUUID(r))
		}
		b.BucketKey = r.Float64() < 0.6
	case e < 0.32:
		b.Encryption = "aws:kms:dsse"
		b.KMSKeyID = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", b.Region, g.acct.ID, s3RandUUID(r))
	default:
		b.Encryption = "AES256"
	}

	all := &BucketPublicAccessBlock{true, true, true, true}
	switch p := r.Float64(); {
	case !b.Created.Before(s3DefaultBPASince) && p < 0.97, b.Created.Before(s3DefaultBPASince) && p < 0.80:
		b.PublicAccessBlock = all
	case b.Created.Before(s3DefaultBPASince) && p < 0.86:
		b.PublicAccessBlock = &BucketPublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true}
	}
	b.HasPolicy = r.Float64() < 0.6
	if b.HasPolicy && (b.PublicAccessBlock == nil || !b.PublicAccessBlock.BlockPublicPolicy) {
		b.PolicyPublic = r.Float64() < 0.4
	}

	switch v := r.Float64(); {
	case v < 0.50:
		b.Versioning = "Enabled"
		b.MFADelete = r.Float64() < 0.05
	case v < 0.58:
		b.Versioning = "Suspended"
	}
	if r.Float64() < 0.4 {
		b.LifecycleRules = 1 + r.IntN(4)
	}
	if r.Float64() < 0.3 {
		b.LoggingTarget = fmt.Sprintf("aws-controltower-s3-access-logs-%s-%s", g.org.Management.ID, b.Region)
	}
	if r.Float64() < 0.8 {
		b.Tags = g.s3Tags(b)
	}
	if r.Float64() < 0.04 {
		b.Denied["GetBucketPolicyStatus"] = true
	}

	switch {
	case newBucket:
	case empty:
		b.SizeByClass = map[string]float64{"StandardStorage": 0}
		b.Objects = 0
	default:
		b.SizeByClass, b.Objects = g.s3Contents()
	}
}

// s3Contents draws a size from a few KB to multi-TB (log-uniform) spread
// over a storage-class profile, and an object count from a mean object size.
func (g *gen) s3Contents() (map[string]float64, float64) {
	r := g.rng
	total := math.Exp(math.Log(2e3) + r.Float64()*(math.Log(8e12)-math.Log(2e3)))
	var split map[string]float64
	switch p := r.Float64(); {
	case p < 0.55:
		split = map[string]float64{"StandardStorage": 1}
	case p < 0.70:
		split = map[string]float64{"StandardStorage": 0.35, "StandardIAStorage": 0.65}
	case p < 0.80:
		split = map[string]float64{"StandardStorage": 0.1, "StandardIAStorage": 0.2, "GlacierStorage": 0.7}
	case p < 0.88:
		split = map[string]float64{"IntelligentTieringFAStorage": 1}
	case p < 0.93:
		split = map[string]float64{"StandardStorage": 0.02, "DeepArchiveStorage": 0.98}
	case p < 0.97:
		split = map[string]float64{"StandardStorage": 0.5, "OneZoneIAStorage": 0.5}
	default:
		split = map[string]float64{"StandardStorage": 0.2, "GlacierInstantRetrievalStorage": 0.8}
	}
	sizes := make(map[string]float64, len(split))
	for class, share := range split {
		sizes[class] = math.Max(1, math.Round(total*share))
	}
	meanObject := math.Exp(math.Log(4e3) + r.Float64()*(math.Log(6e7)-math.Log(4e3)))
	return sizes, math.Max(1, math.Round(total/meanObject))
}

func (g *gen) s3Tags(b *Bucket) map[string]string {
	r := g.rng
	tags := map[string]string{}
	if r.Float64() < 0.85 {
		tags["Department"] = g.acct.Department
		if r.Float64() < 0.1 { // shared buckets charged to another department
			tags["Department"] = departments[r.IntN(len(departments))]
		}
	}
	tags["Environment"] = envs[r.IntN(len(envs))]
	if r.Float64() < 0.5 {
		tags["CostCenter"] = fmt.Sprintf("CC-%04d", 1000+r.IntN(9000))
	}
	if r.Float64() < 0.4 {
		tags["Owner"] = fmt.Sprintf("team-%s@example.com", strings.ToLower(g.acct.Department))
	}
	if r.Float64() < 0.3 {
		tags["Name"] = b.Name
	}
	return tags
}

func s3RandUUID(r interface{ IntN(int) int }) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 36)
	for i := range b {
		switch i {
		case 8, 13, 18, 23:
			b[i] = '-'
		default:
			b[i] = hex[r.IntN(16)]
		}
	}
	return string(b)
}

// expectedS3 is the ground truth for the account's buckets, each in its region.
func (o *Org) expectedS3(a *Account) []inventory.Record {
	out := make([]inventory.Record, 0, len(a.Buckets))
	for _, b := range a.Buckets {
		attrs := map[string]any{
			"name":                           b.Name,
			"creation_date":                  b.Created.UTC().Format(time.RFC3339),
			"encryption":                     "none",
			"bucket_key_enabled":             b.BucketKey,
			"public_access_block_configured": b.PublicAccessBlock != nil,
			"versioning":                     "Disabled",
			"mfa_delete":                     "Disabled",
			"lifecycle_rules":                b.LifecycleRules,
			"logging_enabled":                b.LoggingTarget != "",
		}
		if b.Encryption != "" {
			attrs["encryption"] = b.Encryption
		}
		if b.KMSKeyID != "" {
			attrs["kms_key_id"] = b.KMSKeyID
		}
		pab := BucketPublicAccessBlock{}
		if b.PublicAccessBlock != nil {
			pab = *b.PublicAccessBlock
		}
		attrs["block_public_acls"] = pab.BlockPublicAcls
		attrs["ignore_public_acls"] = pab.IgnorePublicAcls
		attrs["block_public_policy"] = pab.BlockPublicPolicy
		attrs["restrict_public_buckets"] = pab.RestrictPublicBuckets
		if b.Denied["GetBucketPolicyStatus"] {
			attrs["unreadable"] = []string{"GetBucketPolicyStatus"}
		} else {
			attrs["policy_is_public"] = b.PolicyPublic
		}
		if b.Versioning != "" {
			attrs["versioning"] = b.Versioning
		}
		if b.MFADelete {
			attrs["mfa_delete"] = "Enabled"
		}
		if b.LoggingTarget != "" {
			attrs["logging_target_bucket"] = b.LoggingTarget
		}
		if b.HasMetrics() {
			byClass := map[string]any{}
			total := 0.0
			for class, v := range b.SizeByClass {
				byClass[class] = v
				total += v
			}
			attrs["size_bytes"] = total
			attrs["size_bytes_by_storage_class"] = byClass
			attrs["object_count"] = b.Objects
		}
		tags := map[string]string{}
		for k, v := range b.Tags {
			tags[k] = v
		}
		out = append(out, truthRecord(a, b.Region, inventory.S3Bucket, b.Name, "arn:aws:s3:::"+b.Name, tags, attrs))
	}
	return out
}

// bucketsByName returns the account's buckets sorted by name, as
// ListBuckets lists them.
func (a *Account) bucketsByName() []*Bucket {
	bs := append([]*Bucket(nil), a.Buckets...)
	sort.Slice(bs, func(i, j int) bool { return bs[i].Name < bs[j].Name })
	return bs
}
