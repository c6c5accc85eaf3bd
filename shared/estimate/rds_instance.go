package estimate

import (
	"context"
	"fmt"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/pricing"
)

// rdsInstance prices a DB instance: instance hours by class, engine and
// deployment, plus (outside Aurora) its storage and provisioned IOPS at the
// deployment's rates. A stopped instance accrues no instance hours but its
// storage is still billed. An Aurora instance carries compute only: Aurora
// storage belongs to the cluster and is priced on the rds_cluster record.
//
// Engines other than MySQL, PostgreSQL and their Aurora editions (MariaDB,
// Oracle, SQL Server, Db2) are unpriced: their prices differ and the price
// data has none. A storage component without a price makes the whole
// instance unpriced.
func rdsInstance(ctx context.Context, p pricing.Prices, r inventory.Record) (Estimate, error) {
	a := attrs(r.Attributes)
	engine, class := a.str("engine"), a.str("instance_class")
	what := "RDS " + class + " " + engine
	if engine == "" || class == "" {
		return Estimate{}, noPrice("RDS instance "+r.ResourceID, r.Region, "no engine or instance_class attribute")
	}
	d, note, err := RDSInstanceDeployment(r)
	if err != nil {
		return Estimate{}, err
	}
	if class == "db.serverless" {
		return Estimate{}, noPrice(what, r.Region, "Aurora Serverless v2 is billed per ACU-hour and the price data has no ACU prices")
	}

	var b builder
	if a.str("state") == "stopped" {
		// Look the class up anyway: an instance that could not be priced
		// running is not silently $0 stopped either.
		q, err := p.RDSInstanceHourly(ctx, r.Region, engine, class, d)
		if err != nil {
			return Estimate{}, err
		}
		b.source(q.Basis)
		b.part("compute", 0, "$0: instance stopped, no instance hours (RDS starts it again after 7 days)")
	} else {
		c, err := RDSMonthly(ctx, p, r.Region, engine, class, d)
		if err != nil {
			return Estimate{}, err
		}
		b.source(c.Source)
		b.parts = append(b.parts, c.Parts...)
	}
	if note != "" {
		b.note(note)
	}
	if isAurora(engine) {
		b.note("Aurora storage is priced on the rds_cluster record")
		return b.estimate(), nil
	}
	if err := rdsStorage(ctx, p, r, a, d, &b); err != nil {
		return Estimate{}, err
	}
	return b.estimate(), nil
}

// RDSMonthly prices a DB instance class running all month (instance hours
// only, no storage) for an engine and deployment: what rightsizing
// compares a current instance with.
func RDSMonthly(ctx context.Context, p pricing.Prices, region, engine, class string, d pricing.Deployment) (Estimate, error) {
	q, err := p.RDSInstanceHourly(ctx, region, engine, class, d)
	if err != nil {
		return Estimate{}, err
	}
	var b builder
	b.source(q.Basis)
	b.part("compute", q.USD*HoursPerMonth, fmt.Sprintf("%s %s %s %s/h × %d h", class, engine, d, usd(q.USD), HoursPerMonth))
	return b.estimate(), nil
}

// RDSInstanceDeployment tells which price applies to an rds_instance
// record: single_az or multi_az for MySQL/PostgreSQL (from multi_az), and
// Aurora's storage configuration for Aurora (storage_type aurora-iopt1 is
// I/O-Optimized, aurora is Standard). When an Aurora record does not say,
// Standard is assumed and the note says so. Unpriced engines and members of
// Multi-AZ DB clusters are errors wrapping pricing.ErrNoPrice.
func RDSInstanceDeployment(r inventory.Record) (d pricing.Deployment, note string, err error) {
	a := attrs(r.Attributes)
	engine, class := a.str("engine"), a.str("instance_class")
	switch {
	case isAurora(engine):
		switch st := a.str("storage_type"); st {
		case "aurora-iopt1":
			return pricing.AuroraIOOpt, "Aurora I/O-Optimized (storage_type aurora-iopt1)", nil
		case "aurora":
			return pricing.AuroraStandard, "Aurora Standard (storage_type aurora)", nil
		default:
			return pricing.AuroraStandard, fmt.Sprintf("Aurora Standard assumed (storage_type %q does not say)", st), nil
		}
	case engine == pricing.EngineMySQL || engine == pricing.EnginePostgres:
		// A MySQL/PostgreSQL instance in a cluster is a member of a Multi-AZ
		// DB cluster, whose price is for the deployment, not one member.
		if c := a.str("cluster_id"); c != "" {
			return "", "", noPrice("RDS "+class+" "+engine+" "+string(pricing.MultiAZCluster), r.Region,
				"member of Multi-AZ DB cluster "+c+": the cluster deployment is not priced per member instance")
		}
		if a.boolean("multi_az") {
			return pricing.MultiAZ, "", nil
		}
		return pricing.SingleAZ, "", nil
	}
	return "", "", noPrice("RDS "+class+" "+engine, r.Region,
		"engine not in the price data (priced: mysql, postgres, aurora-mysql, aurora-postgresql)")
}

func isAurora(engine string) bool { return strings.HasPrefix(engine, "aurora") }

// rdsStorageKey maps the RDS API's storage type to the price data's name.
func rdsStorageKey(storageType string) string {
	if storageType == "standard" {
		return "magnetic"
	}
	return storageType
}

// rdsStorage adds a MySQL/PostgreSQL instance's storage parts: allocated GB
// at the deployment's rate, gp3 IOPS above the engine's baseline, io1/io2
// provisioned IOPS. gp3 throughput above the baseline has no price in the
// data, so such an instance is unpriced.
func rdsStorage(ctx context.Context, p pricing.Prices, r inventory.Record, a attrs, d pricing.Deployment, b *builder) error {
	st := a.str("storage_type")
	gb, ok := a.num("allocated_storage_gb")
	if st == "" || !ok {
		return noPrice("RDS storage of "+r.ResourceID, r.Region, "no storage_type or allocated_storage_gb attribute")
	}
	rates, err := p.RDSStorage(ctx, r.Region)
	if err != nil {
		return err
	}
	key := rdsStorageKey(st)
	perGB, err := rates.GBMonth(key, d)
	if err != nil {
		return err
	}
	b.source(rates.Basis)
	b.part("storage", gb*perGB, fmt.Sprintf("%s GB %s %s × %s/GB-month", trimFloat(gb), st, d, usd(perGB)))

	iops, hasIOPS := a.num("iops")
	var billedIOPS float64
	switch key {
	case "gp3":
		baseIOPS, baseTput := rdsGP3Baseline(a.str("engine"), gb)
		if tp, ok := a.num("storage_throughput"); ok && tp > baseTput {
			return noPrice("RDS gp3 throughput above baseline", r.Region,
				fmt.Sprintf("%s MiB/s provisioned over the %s included; no throughput price in %s", trimFloat(tp), trimFloat(baseTput), rates.Basis))
		}
		if !hasIOPS || iops <= baseIOPS {
			return nil
		}
		billedIOPS = iops - baseIOPS
	case "io1", "io2":
		if !hasIOPS {
			return noPrice("RDS "+key+" storage of "+r.ResourceID, r.Region, "no provisioned iops attribute")
		}
		billedIOPS = iops
	default: // gp2, magnetic: size alone
		return nil
	}
	rate, err := rates.IOPSMonth(key, d)
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("%s provisioned IOPS × %s/IOPS-month", trimFloat(billedIOPS), usd(rate))
	if key == "gp3" {
		detail = fmt.Sprintf("%s IOPS above the %s-IOPS baseline × %s/IOPS-month", trimFloat(billedIOPS), trimFloat(iops-billedIOPS), usd(rate))
	}
	b.part("iops", billedIOPS*rate, detail)
	return nil
}

// rdsGP3Baseline is the IOPS and throughput included with RDS gp3 storage
// (AWS RDS User Guide, "gp3 storage"): 3,000 IOPS and 125 MiB/s, rising to
// 12,000 and 500 once RDS stripes the volume, at 400 GB for Db2, MariaDB,
// MySQL and PostgreSQL, 200 GB for Oracle, and never for SQL Server.
func rdsGP3Baseline(engine string, gb float64) (iops, mibps float64) {
	striped := gb >= 400
	switch {
	case strings.HasPrefix(engine, "oracle"):
		striped = gb >= 200
	case strings.HasPrefix(engine, "sqlserver"):
		striped = false
	}
	if striped {
		return 12000, 500
	}
	return 3000, 125
}
