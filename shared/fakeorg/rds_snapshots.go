package fakeorg

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// RDSSnapshot is one DB snapshot of an account region: a manual snapshot
// (of a running instance, or the final snapshot of a deleted one) or an
// automated backup, which DescribeDBSnapshots lists too unless asked for a
// SnapshotType.
type RDSSnapshot struct {
	ID, ARN       string
	Type          string // manual or automated
	InstanceID    string // the source instance, which may no longer exist
	DbiResourceID string
	Engine        string
	EngineVersion string
	LicenseModel  string
	StorageType   string
	AllocatedGB   int32
	IOPS          int32 // 0: not reported
	Throughput    int32 // 0: not reported
	Encrypted     bool
	KMSKeyID      string // "" when unencrypted
	Status        string
	Created       time.Time
	// InstanceCreated is the source instance's creation time.
	InstanceCreated time.Time
	AZ              string
	Port            int32
	MasterUser      string
	IAMAuth         bool
	// Public snapshots have "all" in their restore attribute; SharedWith
	// lists the other accounts in it. RDS refuses both for snapshots under
	// the aws/rds key, and making an encrypted snapshot public.
	Public     bool
	SharedWith []string
	// DeniedAttributes makes DescribeDBSnapshotAttributes answer AccessDenied
	// (an SCP denying reads of snapshots tagged restricted), which the
	// collector must report as unreadable.
	DeniedAttributes bool
	Tags             map[string]string
}

// rdsSnapshots generates the region's snapshots from a random stream of
// their own, so the rest of the organization does not change with them:
// an automated snapshot per instance with backups; manual snapshots of about
// half the standalone instances; now and then the final snapshot of an
// instance deleted since. Aurora members have cluster snapshots instead,
// which are not modelled.
func (g *gen) rdsSnapshots() {
	s := &gen{org: g.org, rng: g.org.rngFor(g.acct.ID, g.region.Name, "rds-snapshots"), acct: g.acct, region: g.region}
	r := &g.region.RDS
	now := g.org.Spec.Now
	used := map[string]bool{}
	instanceIDs := map[string]bool{}
	for _, db := range r.Instances {
		instanceIDs[db.ID] = true
	}
	for _, cl := range r.Clusters {
		instanceIDs[cl.ID] = true
	}
	partner := accountID(s.rng) // a vendor or backup account outside the organization
	var snaps []*RDSSnapshot
	for _, db := range r.Instances {
		if db.ClusterID != "" {
			continue
		}
		if db.BackupRetention > 0 {
			at := now.AddDate(0, 0, -1).Add(time.Duration(3*60+s.rng.IntN(60)) * time.Minute)
			if at.Before(db.Created) {
				at = db.Created.Add(time.Hour)
			}
			id := rdsUnique(used, fmt.Sprintf("rds:%s-%s", db.ID, at.Format("2006-01-02-15-04")))
			snaps = append(snaps, s.rdsSnapshotOf(db, id, "automated", at))
		}
		n := 0
		switch x := s.rng.Float64(); {
		case x < 0.5:
		case x < 0.8:
			n = 1
		case x < 0.93:
			n = 2
		default:
			n = 3
		}
		for i := 0; i < n; i++ {
			at := db.Created.Add(time.Duration(s.rng.Float64() * float64(now.Sub(db.Created))))
			var name string
			switch s.rng.IntN(4) {
			case 0:
				name = fmt.Sprintf("%s-manual-%s", db.ID, at.Format("2006-01-02"))
			case 1:
				name = fmt.Sprintf("pre-upgrade-%s-%s", db.ID, at.Format("20060102"))
			case 2:
				name = fmt.Sprintf("%s-before-migration", db.ID)
			default:
				name = fmt.Sprintf("%s-snapshot-%d", db.ID, i+1)
			}
			snaps = append(snaps, s.rdsManualSnapshot(db, rdsUnique(used, name), at, partner))
		}
	}
	// Final snapshots of instances deleted since: their instance is gone.
	if s.rng.Float64() < 0.3 {
		env := rdsEnv(g.acct)
		gone := s.rdsStandalone(env, instanceIDs)
		if gone.Encrypted {
			gone.KMSKeyID = r.defaultKey
			if s.rng.Float64() < 0.3 {
				gone.KMSKeyID = r.customerKey
			}
		}
		at := gone.Created.Add(time.Duration(s.rng.Float64() * float64(now.Sub(gone.Created))))
		snaps = append(snaps, s.rdsManualSnapshot(gone, rdsUnique(used, gone.ID+"-final-snapshot"), at, partner))
	}
	sort.Slice(snaps, func(i, j int) bool { return snaps[i].ID < snaps[j].ID })
	r.Snapshots = snaps
}

// rdsSnapshotOf copies what a snapshot keeps of its instance.
func (g *gen) rdsSnapshotOf(db *RDSInstance, id, typ string, at time.Time) *RDSSnapshot {
	return &RDSSnapshot{
		ID: id, ARN: fmt.Sprintf("arn:aws:rds:%s:%s:snapshot:%s", g.region.Name, g.acct.ID, id), Type: typ,
		InstanceID: db.ID, DbiResourceID: db.ResourceID, Engine: db.Engine, EngineVersion: db.EngineVersion,
		LicenseModel: db.LicenseModel, StorageType: db.StorageType, AllocatedGB: db.AllocatedGB,
		IOPS: db.IOPS, Throughput: db.Throughput, Encrypted: db.Encrypted, KMSKeyID: db.KMSKeyID,
		Status: "available", Created: at.UTC(), InstanceCreated: db.Created, AZ: db.AZ, Port: db.Port,
		MasterUser: db.MasterUser, IAMAuth: db.IAMAuth, Tags: rdsCopyTags(db.Tags),
	}
}

// rdsManualSnapshot draws a manual snapshot's sharing: unencrypted ones are
// sometimes public or shared, ones under the customer key sometimes shared,
// ones under aws/rds never (RDS refuses).
func (g *gen) rdsManualSnapshot(db *RDSInstance, id string, at time.Time, partner string) *RDSSnapshot {
	sn := g.rdsSnapshotOf(db, id, "manual", at)
	share := func() {
		sn.SharedWith = []string{partner}
		if g.rng.Float64() < 0.4 {
			sn.SharedWith = append(sn.SharedWith, g.org.Management.ID)
		}
	}
	switch x := g.rng.Float64(); {
	case !sn.Encrypted && x < 0.3:
		sn.Public = true
		if g.rng.Float64() < 0.3 {
			share()
		}
	case !sn.Encrypted && x < 0.5, sn.Encrypted && sn.KMSKeyID == g.region.RDS.customerKey && x < 0.25:
		share()
	}
	if g.rng.Float64() < 0.05 {
		sn.DeniedAttributes = true
		sn.Tags["DataClassification"] = "restricted"
	}
	return sn
}

// rdsSnapshotHandlers answer the snapshot reads of the rds_snapshot collector.
func rdsSnapshotHandlers() map[string]handler {
	return map[string]handler{
		"RDS.DescribeDBSnapshots":          rdsDescribeDBSnapshots,
		"RDS.DescribeDBSnapshotAttributes": rdsDescribeDBSnapshotAttributes,
	}
}

// rdsSnapshotTypes are the SnapshotType values RDS accepts. Snapshots shared
// with the account or public ones of other accounts, and AWS Backup's, are
// not modelled: those types list nothing.
var rdsSnapshotTypes = map[string]bool{"": true, "manual": true, "automated": true, "shared": true, "public": true, "awsbackup": true}

// rdsDescribeDBSnapshots lists the caller's snapshots: without a
// SnapshotType, manual and automated ones (never shared or public ones,
// which need IncludeShared/IncludePublic and exist in other accounts).
func rdsDescribeDBSnapshots(o *Org, c *Call) (any, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*awsrds.DescribeDBSnapshotsInput)
	if err := rdsCheckMaxRecords(in.MaxRecords); err != nil {
		return nil, err
	}
	typ := aws.ToString(in.SnapshotType)
	if !rdsSnapshotTypes[typ] {
		return nil, apiError("InvalidParameterValue", fmt.Sprintf("Invalid value %s for SnapshotType", typ))
	}
	wantSnap, wantDB := aws.ToString(in.DBSnapshotIdentifier), aws.ToString(in.DBInstanceIdentifier)
	if wantSnap != "" && wantDB != "" {
		return nil, apiError("InvalidParameterCombination", "DBInstanceIdentifier and DBSnapshotIdentifier cannot be specified together")
	}
	match, err := rdsFilter(in.Filters, map[string]func(*RDSSnapshot) []string{
		"db-instance-id": func(sn *RDSSnapshot) []string {
			return []string{sn.InstanceID, rdsInstanceARN(r.Name, c.AccountID, sn.InstanceID)}
		},
		"db-snapshot-id":  func(sn *RDSSnapshot) []string { return []string{sn.ID, sn.ARN} },
		"dbi-resource-id": func(sn *RDSSnapshot) []string { return []string{sn.DbiResourceID} },
		"snapshot-type":   func(sn *RDSSnapshot) []string { return []string{sn.Type} },
		"engine":          func(sn *RDSSnapshot) []string { return []string{sn.Engine} },
	})
	if err != nil {
		return nil, err
	}
	var all []rdstypes.DBSnapshot
	found := false
	for _, sn := range r.RDS.Snapshots {
		if wantSnap != "" && !strings.EqualFold(wantSnap, sn.ID) && wantSnap != sn.ARN {
			continue
		}
		found = true
		if wantDB != "" && !strings.EqualFold(wantDB, sn.InstanceID) && wantDB != rdsInstanceARN(r.Name, c.AccountID, sn.InstanceID) {
			continue
		}
		if (typ == "" || typ == sn.Type) && match(sn) {
			all = append(all, rdsSnapshotOutput(r, sn))
		}
	}
	if wantSnap != "" && !found {
		return nil, apiError("DBSnapshotNotFound", fmt.Sprintf("DBSnapshot %s not found.", wantSnap))
	}
	items, next, err := page(all, in.Marker, in.MaxRecords, rdsDefaultPage)
	if err != nil {
		return nil, err
	}
	return &awsrds.DescribeDBSnapshotsOutput{DBSnapshots: items, Marker: next}, nil
}

func rdsInstanceARN(region, account, id string) string {
	return fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, account, id)
}

// rdsDescribeDBSnapshotAttributes answers the restore attribute: "all" for
// a public snapshot, then the accounts it is shared with.
func rdsDescribeDBSnapshotAttributes(o *Org, c *Call) (any, error) {
	_, r, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	want := aws.ToString(c.Input.(*awsrds.DescribeDBSnapshotAttributesInput).DBSnapshotIdentifier)
	for _, sn := range r.RDS.Snapshots {
		if !strings.EqualFold(want, sn.ID) && want != sn.ARN {
			continue
		}
		if sn.DeniedAttributes {
			return nil, apiError("AccessDenied", fmt.Sprintf(
				"User: arn:aws:sts::%s:assumed-role/%s/inventory is not authorized to perform: rds:DescribeDBSnapshotAttributes on resource: %s with an explicit deny in a service control policy",
				c.AccountID, o.Spec.MemberRole, sn.ARN))
		}
		values := []string{}
		if sn.Public {
			values = append(values, "all")
		}
		values = append(values, sn.SharedWith...)
		return &awsrds.DescribeDBSnapshotAttributesOutput{DBSnapshotAttributesResult: &rdstypes.DBSnapshotAttributesResult{
			DBSnapshotIdentifier: aws.String(sn.ID),
			DBSnapshotAttributes: []rdstypes.DBSnapshotAttribute{{AttributeName: aws.String("restore"), AttributeValues: values}},
		}}, nil
	}
	return nil, apiError("DBSnapshotNotFound", fmt.Sprintf("DBSnapshot %s not found.", want))
}

func rdsSnapshotOutput(r *Region, sn *RDSSnapshot) rdstypes.DBSnapshot {
	return rdstypes.DBSnapshot{
		DBSnapshotIdentifier:             aws.String(sn.ID),
		DBSnapshotArn:                    aws.String(sn.ARN),
		DBInstanceIdentifier:             aws.String(sn.InstanceID),
		DbiResourceId:                    aws.String(sn.DbiResourceID),
		SnapshotType:                     aws.String(sn.Type),
		SnapshotCreateTime:               aws.Time(sn.Created),
		OriginalSnapshotCreateTime:       aws.Time(sn.Created),
		InstanceCreateTime:               aws.Time(sn.InstanceCreated),
		Engine:                           aws.String(sn.Engine),
		EngineVersion:                    aws.String(sn.EngineVersion),
		LicenseModel:                     aws.String(sn.LicenseModel),
		AllocatedStorage:                 aws.Int32(sn.AllocatedGB),
		StorageType:                      aws.String(sn.StorageType),
		Iops:                             rdsOptInt(sn.IOPS),
		StorageThroughput:                rdsOptInt(sn.Throughput),
		Status:                           aws.String(sn.Status),
		PercentProgress:                  aws.Int32(100),
		Port:                             aws.Int32(sn.Port),
		AvailabilityZone:                 aws.String(sn.AZ),
		SnapshotAvailabilityZone:         aws.String(sn.AZ),
		MasterUsername:                   aws.String(sn.MasterUser),
		Encrypted:                        aws.Bool(sn.Encrypted),
		KmsKeyId:                         rdsOptString(sn.KMSKeyID),
		IAMDatabaseAuthenticationEnabled: aws.Bool(sn.IAMAuth),
		SnapshotTarget:                   aws.String("region"),
		TagList:                          rdsTagList(sn.Tags),
	}
}

// expectedRDSSnapshots is the ground truth of the rds_snapshot collector for
// one account region: its manual snapshots.
func (o *Org) expectedRDSSnapshots(a *Account, r *Region) []inventory.Record {
	var out []inventory.Record
	for _, sn := range r.RDS.Snapshots {
		if sn.Type != "manual" {
			continue
		}
		attrs := map[string]any{
			"name":                 sn.ID,
			"state":                sn.Status,
			"engine":               sn.Engine,
			"engine_version":       sn.EngineVersion,
			"instance_id":          sn.InstanceID,
			"encrypted":            sn.Encrypted,
			"allocated_storage_gb": int64(sn.AllocatedGB),
			"create_time":          sn.Created.UTC().Format(time.RFC3339),
		}
		if sn.KMSKeyID != "" {
			attrs["kms_key_id"] = sn.KMSKeyID
		}
		if sn.DeniedAttributes {
			attrs["unreadable"] = []string{"DescribeDBSnapshotAttributes"}
		} else {
			shared := append([]string{}, sn.SharedWith...)
			sort.Strings(shared)
			attrs["public"], attrs["shared_with_accounts"] = sn.Public, shared
		}
		out = append(out, truthRecord(a, r.Name, "rds_snapshot", sn.ID, sn.ARN, rdsCopyTags(sn.Tags), attrs))
	}
	return out
}
