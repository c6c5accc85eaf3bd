package pricing

import "fmt"

// The methods below are how estimators read a rate table: each turns a
// missing rate into ErrNoPrice with the reason, so no caller can price a
// volume type or storage class at a silent zero by indexing a map.

// GBMonth is the storage price of an EBS volume type (gp2, gp3, io1, io2,
// st1, sc1, standard) per GB-month.
func (r EBSRates) GBMonth(volumeType string) (float64, error) {
	if v, ok := r.PerGBMonth[volumeType]; ok {
		return v, nil
	}
	return 0, noPrice("EBS "+volumeType+" storage", r.Region, "volume type not in "+r.Basis)
}

// IOPSMonth is the price per provisioned IOPS-month of an EBS volume type:
// gp3 (charged above GP3IncludedIOPS), io1 and io2 (all provisioned IOPS).
// Other types have no IOPS charge to price and return ErrNoPrice.
func (r EBSRates) IOPSMonth(volumeType string) (float64, error) {
	switch {
	case volumeType == "gp3" && r.GP3IOPSMonth > 0:
		return r.GP3IOPSMonth, nil
	case volumeType == "io1" && r.IO1IOPSMonth > 0:
		return r.IO1IOPSMonth, nil
	case volumeType == "io2" && r.HasIO2IOPS:
		return r.IO2IOPSMonth, nil
	}
	return 0, noPrice("EBS "+volumeType+" IOPS", r.Region, "IOPS price not in "+r.Basis)
}

// ThroughputMiBpsMonth is gp3's price per MiB/s-month above
// GP3IncludedThroughputMiB.
func (r EBSRates) ThroughputMiBpsMonth() (float64, error) {
	if r.GP3ThroughputMiBpsMonth > 0 {
		return r.GP3ThroughputMiBpsMonth, nil
	}
	return 0, noPrice("EBS gp3 throughput", r.Region, "throughput price not in "+r.Basis)
}

// GBMonth is the storage price of an RDS storage type per GB-month. It
// takes the RDS API's names: gp2, gp3, io1, io2, standard (= magnetic;
// "magnetic" is accepted too) with single_az or multi_az, and the Aurora
// cluster storage types aurora (Standard) and aurora-iopt1 (I/O-Optimized),
// for which the deployment is ignored (Aurora storage is one shared volume
// whatever the instances).
func (r RDSStorageRates) GBMonth(storageType string, d Deployment) (float64, error) {
	switch storageType {
	case "aurora":
		return r.aurora(AuroraStandard)
	case "aurora-iopt1":
		return r.aurora(AuroraIOOpt)
	case "standard":
		storageType = "magnetic"
	}
	if v, ok := r.PerGBMonth[storageType][d]; ok {
		return v, nil
	}
	return 0, noPrice(fmt.Sprintf("RDS %s storage %s", storageType, d), r.Region, "not in "+r.Basis)
}

// IOPSMonth is the price per provisioned IOPS-month of an RDS storage type
// (gp3, io1) for a deployment.
func (r RDSStorageRates) IOPSMonth(storageType string, d Deployment) (float64, error) {
	if v, ok := r.ProvisionedIOPSMonth[storageType][d]; ok {
		return v, nil
	}
	return 0, noPrice(fmt.Sprintf("RDS %s IOPS %s", storageType, d), r.Region, "not in "+r.Basis)
}

// AuroraStorageGBMonth is the Aurora cluster storage price per GB-month for
// a mode (standard or io_optimized).
func (r RDSStorageRates) AuroraStorageGBMonth(mode Deployment) (float64, error) {
	return r.aurora(mode)
}

func (r RDSStorageRates) aurora(mode Deployment) (float64, error) {
	if v, ok := r.AuroraGBMonth[mode]; ok {
		return v, nil
	}
	return 0, noPrice("Aurora storage "+string(mode), r.Region, "not in "+r.Basis)
}

// S3 Standard tier boundaries in GB (AWS's TB here is 1,024 GB: the Price
// List API's ranges end at 51200 and 512000).
const (
	s3Tier1GB = 50 * 1024
	s3Tier2GB = 500 * 1024
)

// StandardMonthly prices gb GB-months of S3 Standard across its tiers.
// Tiers apply to an account's total Standard storage in the region, so
// pricing buckets one by one with this is exact below 50 TB and slightly
// high above it; for a single bucket's estimate that is the honest choice.
func (r S3Rates) StandardMonthly(gb float64) (float64, error) {
	t1, ok1 := r.PerGBMonth[S3StandardFirst50TB]
	t2, ok2 := r.PerGBMonth[S3StandardNext450TB]
	t3, ok3 := r.PerGBMonth[S3StandardOver500TB]
	if !ok1 || !ok2 || !ok3 {
		return 0, noPrice("S3 Standard", r.Region, "tier prices not in "+r.Basis)
	}
	if gb <= 0 {
		return 0, nil
	}
	cost := min(gb, s3Tier1GB) * t1
	if gb > s3Tier1GB {
		cost += (min(gb, s3Tier2GB) - s3Tier1GB) * t2
	}
	if gb > s3Tier2GB {
		cost += (gb - s3Tier2GB) * t3
	}
	return cost, nil
}

// s3Classes maps the names a storage class goes by to the price key: the
// CloudWatch BucketSizeBytes StorageType (what the collector records in
// size_bytes_by_storage_class) and the S3 API's storage class. Intelligent-
// Tiering and Reduced Redundancy are absent on purpose: the snapshot has no
// price for them, so they are unpriced rather than guessed.
var s3Classes = map[string]string{
	"StandardStorage": S3StandardFirst50TB, "STANDARD": S3StandardFirst50TB,
	"StandardIAStorage": S3StandardIA, "STANDARD_IA": S3StandardIA,
	"OneZoneIAStorage": S3OneZoneIA, "ONEZONE_IA": S3OneZoneIA,
	"GlacierInstantRetrievalStorage": S3GlacierInstant, "GLACIER_IR": S3GlacierInstant,
	"GlacierStorage": S3GlacierFlexible, "GLACIER": S3GlacierFlexible,
	"DeepArchiveStorage": S3GlacierDeepArchive, "DEEP_ARCHIVE": S3GlacierDeepArchive,
}

// Monthly prices gb GB-months of one storage class, named as CloudWatch's
// StorageType (StandardStorage, StandardIAStorage, …) or the S3 API's class
// (STANDARD, STANDARD_IA, …). Standard goes through StandardMonthly's tiers.
func (r S3Rates) Monthly(storageClass string, gb float64) (float64, error) {
	key, ok := s3Classes[storageClass]
	if !ok {
		return 0, noPrice("S3 "+storageClass, r.Region, "storage class not priced in "+r.Basis)
	}
	if key == S3StandardFirst50TB {
		return r.StandardMonthly(gb)
	}
	rate, ok := r.PerGBMonth[key]
	if !ok {
		return 0, noPrice("S3 "+storageClass, r.Region, "storage class not in "+r.Basis+" for the region")
	}
	return max(gb, 0) * rate, nil
}
