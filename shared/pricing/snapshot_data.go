package pricing

import (
	"encoding/json"
	"fmt"
	"sort"
)

// snapshotFile mirrors aws-prices-snapshot.json. Optional single figures
// are pointers so "absent" and a (never occurring) zero stay distinct.
type snapshotFile struct {
	AsOf   string                                   `json:"as_of"`
	EC2    map[string]map[string]float64            `json:"ec2"`    // region → type → USD/h
	EBS    map[string]map[string]float64            `json:"ebs"`    // region → key → USD
	S3     map[string]map[string]float64            `json:"s3"`     // region → key → USD/GB-month
	Lambda map[string]map[string]map[string]float64 `json:"lambda"` // region → arch → key → USD
	IPv4   map[string]map[string]float64            `json:"ipv4"`   // region → key → USD/h
	RDS    struct {
		// region → engine → class → deployment → USD/h
		Instances map[string]map[string]map[string]map[Deployment]float64 `json:"instances"`
		Storage   map[string]rdsStorageJSON                               `json:"storage"`
	} `json:"rds"`
}

type rdsStorageJSON struct {
	GP2      map[Deployment]float64 `json:"gp2"`
	GP3      map[Deployment]float64 `json:"gp3"`
	IO1      map[Deployment]float64 `json:"io1"`
	IO2      map[Deployment]float64 `json:"io2"`
	Magnetic map[Deployment]float64 `json:"magnetic"`
	GP3IOPS  map[Deployment]float64 `json:"gp3_iops_per_iops_month"`
	IO1IOPS  map[Deployment]float64 `json:"io1_iops_per_iops_month"`

	AuroraStandard    *float64 `json:"aurora_standard"`
	AuroraIOOptimized *float64 `json:"aurora_io_optimized"`
	AuroraIO          *float64 `json:"aurora_standard_io_per_million_requests"`
	Backup            *float64 `json:"backup_snapshot"`
}

// snapshotData is the parsed snapshot plus the sorted lists the listing
// lookups return (sorted once here, not on every call).
type snapshotData struct {
	file       snapshotFile
	basis      string
	ec2Types   map[string][]string            // region → sorted types
	rdsClasses map[string]map[string][]string // region → engine → sorted classes
}

func parseSnapshot(raw []byte) (*snapshotData, error) {
	var f snapshotFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("pricing: parse bundled snapshot: %w", err)
	}
	basis, err := snapshotBasis(f.AsOf)
	if err != nil {
		return nil, err
	}
	d := &snapshotData{file: f, basis: basis, ec2Types: map[string][]string{}, rdsClasses: map[string]map[string][]string{}}
	for region, types := range f.EC2 {
		d.ec2Types[region] = sortedKeys(types)
	}
	for region, engines := range f.RDS.Instances {
		d.rdsClasses[region] = map[string][]string{}
		for engine, classes := range engines {
			d.rdsClasses[region][engine] = sortedKeys(classes)
		}
	}
	return d, nil
}

// snapshotBasis turns as_of ("2025-11-04") into the basis every estimate
// carries ("snapshot-2025-11"): the month is what a reader needs to judge
// how current the prices are; the per-section dates are in SOURCES.md.
func snapshotBasis(asOf string) (string, error) {
	if len(asOf) < 7 || asOf[4] != '-' {
		return "", fmt.Errorf("pricing: bundled snapshot has no usable as_of (%q)", asOf)
	}
	return "snapshot-" + asOf[:7], nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
