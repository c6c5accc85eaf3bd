// Package pricing answers "what does AWS charge for this, here?" for the
// cost estimators and analysis. Two sources implement the same Prices
// interface: Snapshot, a bundled copy of AWS's published on-demand prices
// (offline, reproducible, what local runs and the demo use), and NewAPI,
// the live AWS Price List API with caches and the snapshot as fallback (what
// the deployed pipeline uses).
//
// Every figure carries its basis ("snapshot-2025-11" or
// "pricing-api 2026-11-26"), and a price that is not known is an error
// wrapping ErrNoPrice, never a zero: an estimate built on an invented or
// silent zero would understate spend without anyone noticing.
package pricing

import (
	"context"
	"errors"
)

// ErrNoPrice is wrapped by every lookup that has no price for the asked
// type, region, engine, class, deployment or storage class. The wrapping
// message says what was missing.
var ErrNoPrice = errors.New("no price")

// HoursPerMonth is AWS's billing convention for monthly figures (and the
// issue's): 730 hours.
const HoursPerMonth = 730

// Deployment selects an RDS price: the deployment of a MySQL/PostgreSQL
// instance, or the storage configuration (billing mode) of an Aurora one.
type Deployment string

const (
	SingleAZ       Deployment = "single_az"
	MultiAZ        Deployment = "multi_az"         // one standby (twice the instance)
	MultiAZCluster Deployment = "multi_az_cluster" // Multi-AZ DB cluster, readable standbys
	AuroraStandard Deployment = "standard"         // Aurora Standard
	AuroraIOOpt    Deployment = "io_optimized"     // Aurora I/O-Optimized
)

// Engines priced (RDS engine names as the RDS API reports them). Others
// (mariadb, oracle-*, sqlserver-*, db2-*) are unpriced: their prices differ
// from MySQL's and the snapshot has none.
const (
	EngineMySQL            = "mysql"
	EnginePostgres         = "postgres"
	EngineAuroraMySQL      = "aurora-mysql"
	EngineAuroraPostgreSQL = "aurora-postgresql"
)

// Prices is what every consumer prices with. The ctx is there because the
// live source calls AWS.
type Prices interface {
	// EC2Hourly is the on-demand hourly price of a Linux, shared-tenancy
	// instance.
	EC2Hourly(ctx context.Context, region, instanceType string) (Quote, error)
	// RDSInstanceHourly is the on-demand hourly price of one DB instance.
	// engine: mysql|postgres with d single_az|multi_az|multi_az_cluster,
	// or aurora-mysql|aurora-postgresql with d standard|io_optimized.
	RDSInstanceHourly(ctx context.Context, region, engine, class string, d Deployment) (Quote, error)
	EBS(ctx context.Context, region string) (EBSRates, error)
	RDSStorage(ctx context.Context, region string) (RDSStorageRates, error)
	S3(ctx context.Context, region string) (S3Rates, error)
	// Lambda: arch x86_64|arm64.
	Lambda(ctx context.Context, region, arch string) (LambdaRates, error)
	IPv4(ctx context.Context, region string) (IPv4Rates, error)
	// InstanceTypes lists the EC2 types priced in a region, sorted
	// (rightsizing looks for siblings and Graviton equivalents).
	InstanceTypes(ctx context.Context, region string) ([]string, error)
	// RDSClasses lists the DB classes priced for an engine in a region,
	// sorted.
	RDSClasses(ctx context.Context, region, engine string) ([]string, error)
}

// Quote is one price and where it came from.
type Quote struct {
	USD   float64
	Basis string
}

// EBSRates are one region's EBS prices. Rates the source does not know are
// absent from the maps or flagged by a Has field; use the methods, which
// turn a gap into ErrNoPrice.
type EBSRates struct {
	Region string
	// PerGBMonth by volume type as the EC2 API names it: gp2, gp3, io1,
	// io2, st1, sc1, standard. A missing type is unpriced in the region.
	PerGBMonth map[string]float64
	// GP3IOPSMonth is per provisioned IOPS-month above the 3,000 included;
	// GP3ThroughputMiBpsMonth per MiB/s-month above the 125 included.
	GP3IOPSMonth            float64
	GP3ThroughputMiBpsMonth float64
	IO1IOPSMonth            float64 // per provisioned IOPS-month
	// IO2IOPSMonth is known only when HasIO2IOPS: io2 IOPS are billed in
	// tiers the snapshot does not carry.
	IO2IOPSMonth    float64
	HasIO2IOPS      bool
	SnapshotGBMonth float64
	Basis           string
}

// EBS gp3 baseline included in the storage price (AWS's gp3 definition).
const (
	GP3IncludedIOPS          = 3000
	GP3IncludedThroughputMiB = 125
)

// RDSStorageRates are one region's RDS and Aurora storage prices.
type RDSStorageRates struct {
	Region string
	// PerGBMonth by storage type (gp2, gp3, io1, io2, magnetic) and
	// deployment (single_az, multi_az).
	PerGBMonth map[string]map[Deployment]float64
	// ProvisionedIOPSMonth by storage type (gp3, io1) and deployment, per
	// provisioned IOPS-month.
	ProvisionedIOPSMonth map[string]map[Deployment]float64
	// AuroraGBMonth by Aurora mode (standard, io_optimized).
	AuroraGBMonth map[Deployment]float64
	// AuroraIOPerMillion is Aurora Standard's charge per million I/O
	// requests (I/O-Optimized includes I/O).
	AuroraIOPerMillion float64
	BackupGBMonth      float64
	Basis              string
}

// S3 storage price keys (the snapshot's names). STANDARD is tiered by the
// bucket owner's monthly volume: first 50 TB, next 450 TB, over 500 TB.
const (
	S3StandardFirst50TB  = "standard_first_50tb"
	S3StandardNext450TB  = "standard_next_450tb"
	S3StandardOver500TB  = "standard_over_500tb"
	S3StandardIA         = "standard_ia"
	S3OneZoneIA          = "one_zone_ia"
	S3GlacierInstant     = "glacier_instant_retrieval"
	S3GlacierFlexible    = "glacier_flexible_retrieval"
	S3GlacierDeepArchive = "glacier_deep_archive"
)

// S3Rates are one region's S3 storage prices per GB-month, keyed by the
// S3* constants. Use Monthly / StandardMonthly rather than the map.
type S3Rates struct {
	Region     string
	PerGBMonth map[string]float64
	Basis      string
}

// LambdaRates are one region's Lambda prices for one architecture. GBSecond
// is tier 1 (the first 6 billion GB-seconds a month; one function never
// leaves it), the later tiers are there for completeness.
type LambdaRates struct {
	Region             string
	Arch               string
	GBSecond           float64
	GBSecondTier2      float64
	GBSecondTier3      float64
	RequestsPerMillion float64
	Basis              string
}

// IPv4Rates are the public IPv4 address charges (since 2024-02-01): an
// address in use and an idle one (an unassociated Elastic IP) per hour.
type IPv4Rates struct {
	Region      string
	InUseHourly float64
	IdleHourly  float64
	Basis       string
}
