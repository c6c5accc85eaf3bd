package pricing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// The figures below were checked by hand against AWS's published on-demand
// prices (and SOURCES.md's spot checks), not read back from the snapshot.

const snapBasis = "snapshot-2025-11"

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSnapshotIsVerbatim(t *testing.T) {
	// SOURCES.md records the SHA-256 at creation; the bundled copy must
	// still match it, and SOURCES.md must still say so.
	sum := sha256.Sum256(snapshotJSON)
	got := hex.EncodeToString(sum[:])
	if got != "d947bb4284d8ce3a06955758b52ea8aa28477a659f160795c24b3c124f0a36a4" {
		t.Errorf("embedded snapshot SHA-256 = %s, not the one in SOURCES.md", got)
	}
	if !strings.Contains(SnapshotSources(), got) {
		t.Error("SOURCES.md does not carry the snapshot's SHA-256")
	}
}

func TestSnapshotEC2(t *testing.T) {
	ctx, p := context.Background(), Snapshot()
	for _, c := range []struct {
		region, typ string
		usd         float64
	}{
		{"us-east-1", "m5.large", 0.096}, // the example: × 730 = 70.08
		{"us-east-1", "t3.micro", 0.0104},
		{"us-east-1", "m6g.large", 0.077},
		{"eu-west-1", "m5.large", 0.107},
		{"us-east-1", "c7i-flex.large", 0.08479}, // hyphenated name (source B)
		{"us-east-1", "c8gd.large", 0.09798},     // from the Price List API (source D)
	} {
		q, err := p.EC2Hourly(ctx, c.region, c.typ)
		if err != nil || !near(q.USD, c.usd) || q.Basis != snapBasis {
			t.Errorf("EC2Hourly(%s, %s) = %+v, %v; want %v %s", c.region, c.typ, q, err, c.usd, snapBasis)
		}
	}
	if q, _ := p.EC2Hourly(ctx, "us-east-1", "m5.large"); !near(q.USD*HoursPerMonth, 70.08) {
		t.Errorf("m5.large month = %v, want 70.08", q.USD*HoursPerMonth)
	}
}

func TestSnapshotRDSInstances(t *testing.T) {
	ctx, p := context.Background(), Snapshot()
	for _, c := range []struct {
		region, engine, class string
		d                     Deployment
		usd                   float64
	}{
		{"us-east-1", "mysql", "db.m5.large", SingleAZ, 0.171},
		{"us-east-1", "mysql", "db.m5.large", MultiAZ, 0.342},
		{"us-east-1", "postgres", "db.m5.large", SingleAZ, 0.178},
		{"us-east-1", "postgres", "db.m5.large", MultiAZ, 0.356},
		{"us-east-1", "postgres", "db.m6gd.large", MultiAZCluster, 0.522},
		{"eu-west-1", "mysql", "db.t3.micro", SingleAZ, 0.018},
		{"us-east-1", "aurora-postgresql", "db.r6g.large", AuroraStandard, 0.26},
		{"us-east-1", "aurora-mysql", "db.r6g.large", AuroraIOOpt, 0.338},
	} {
		q, err := p.RDSInstanceHourly(ctx, c.region, c.engine, c.class, c.d)
		if err != nil || !near(q.USD, c.usd) || q.Basis != snapBasis {
			t.Errorf("RDSInstanceHourly(%s %s %s %s) = %+v, %v; want %v", c.region, c.engine, c.class, c.d, q, err, c.usd)
		}
	}
}

func TestSnapshotRateTables(t *testing.T) {
	ctx, p := context.Background(), Snapshot()

	ebs, err := p.EBS(ctx, "us-east-1")
	if err != nil || ebs.Basis != snapBasis {
		t.Fatalf("EBS: %+v, %v", ebs, err)
	}
	for typ, want := range map[string]float64{"gp3": 0.08, "gp2": 0.10, "io1": 0.125, "io2": 0.125, "st1": 0.045, "sc1": 0.015, "standard": 0.05} {
		if got, err := ebs.GBMonth(typ); err != nil || !near(got, want) {
			t.Errorf("EBS %s = %v, %v; want %v", typ, got, err, want)
		}
	}
	if got, _ := ebs.IOPSMonth("gp3"); !near(got, 0.005) {
		t.Errorf("gp3 IOPS = %v, want 0.005", got)
	}
	if got, _ := ebs.IOPSMonth("io1"); !near(got, 0.065) {
		t.Errorf("io1 IOPS = %v, want 0.065", got)
	}
	if got, _ := ebs.ThroughputMiBpsMonth(); !near(got, 0.04) {
		t.Errorf("gp3 throughput = %v, want 0.04", got)
	}
	// gp3 500 GB, 6000 IOPS, 250 MiB/s: 40 + 15 + 5 = 60.
	if got := 500*ebs.PerGBMonth["gp3"] + (6000-GP3IncludedIOPS)*ebs.GP3IOPSMonth + (250-GP3IncludedThroughputMiB)*ebs.GP3ThroughputMiBpsMonth; !near(got, 60) {
		t.Errorf("gp3 example = %v, want 60", got)
	}
	if eu, _ := p.EBS(ctx, "eu-west-1"); !near(eu.PerGBMonth["gp3"], 0.088) {
		t.Errorf("eu-west-1 gp3 = %v, want 0.088", eu.PerGBMonth["gp3"])
	}

	st, err := p.RDSStorage(ctx, "us-east-1")
	if err != nil || st.Basis != snapBasis {
		t.Fatalf("RDSStorage: %+v, %v", st, err)
	}
	for _, c := range []struct {
		typ  string
		d    Deployment
		want float64
	}{
		{"gp2", SingleAZ, 0.115}, {"gp2", MultiAZ, 0.23}, {"gp3", SingleAZ, 0.115}, {"io1", MultiAZ, 0.25},
		{"standard", SingleAZ, 0.10}, {"magnetic", MultiAZ, 0.20},
		{"aurora", "", 0.10}, {"aurora-iopt1", "", 0.225},
	} {
		if got, err := st.GBMonth(c.typ, c.d); err != nil || !near(got, c.want) {
			t.Errorf("RDS storage %s %s = %v, %v; want %v", c.typ, c.d, got, err, c.want)
		}
	}
	if got, _ := st.IOPSMonth("io1", SingleAZ); !near(got, 0.10) {
		t.Errorf("RDS io1 IOPS = %v, want 0.10", got)
	}
	if got, _ := st.IOPSMonth("gp3", MultiAZ); !near(got, 0.04) {
		t.Errorf("RDS gp3 IOPS multi-AZ = %v, want 0.04", got)
	}
	if got, _ := st.AuroraStorageGBMonth(AuroraIOOpt); !near(got, 0.225) || !near(st.AuroraIOPerMillion, 0.20) {
		t.Errorf("Aurora I/O-Optimized = %v, I/O = %v", got, st.AuroraIOPerMillion)
	}

	s3, err := p.S3(ctx, "us-east-1")
	if err != nil || s3.Basis != snapBasis {
		t.Fatalf("S3: %+v, %v", s3, err)
	}
	for _, c := range []struct {
		class    string
		gb, want float64
	}{
		{"StandardStorage", 100, 2.3},
		{"STANDARD", 60 * 1024, 51200*0.023 + 10240*0.022},                         // 1402.88
		{"StandardStorage", 600 * 1024, 51200*0.023 + 460800*0.022 + 102400*0.021}, // 13465.6
		{"StandardIAStorage", 100, 1.25},
		{"OneZoneIAStorage", 100, 1.0},
		{"GlacierInstantRetrievalStorage", 100, 0.4},
		{"GLACIER", 100, 0.36},
		{"DeepArchiveStorage", 1000, 0.99},
	} {
		if got, err := s3.Monthly(c.class, c.gb); err != nil || !near(got, c.want) {
			t.Errorf("S3 %s %v GB = %v, %v; want %v", c.class, c.gb, got, err, c.want)
		}
	}

	for arch, want := range map[string]float64{"x86_64": 0.0000166667, "arm64": 0.0000133334} {
		l, err := p.Lambda(ctx, "us-east-1", arch)
		if err != nil || !near(l.GBSecond, want) || !near(l.RequestsPerMillion, 0.20) || l.Basis != snapBasis {
			t.Errorf("Lambda %s = %+v, %v", arch, l, err)
		}
	}

	ip, err := p.IPv4(ctx, "us-east-1")
	if err != nil || !near(ip.InUseHourly, 0.005) || !near(ip.IdleHourly, 0.005) || !near(ip.IdleHourly*HoursPerMonth, 3.65) {
		t.Errorf("IPv4 = %+v, %v", ip, err)
	}
}

func TestSnapshotListings(t *testing.T) {
	ctx, p := context.Background(), Snapshot()
	types, err := p.InstanceTypes(ctx, "us-east-1")
	if err != nil || len(types) != 1031 || !slices.IsSorted(types) || !slices.Contains(types, "m6g.large") {
		t.Errorf("InstanceTypes(us-east-1): %d types, sorted %v, err %v", len(types), slices.IsSorted(types), err)
	}
	classes, err := p.RDSClasses(ctx, "us-east-1", "mysql")
	if err != nil || len(classes) != 241 || !slices.IsSorted(classes) || !slices.Contains(classes, "db.m5.large") {
		t.Errorf("RDSClasses(us-east-1, mysql): %d, err %v", len(classes), err)
	}
	if aur, _ := p.RDSClasses(ctx, "us-east-1", "aurora-postgresql"); len(aur) != 74 {
		t.Errorf("aurora-postgresql classes = %d, want 74", len(aur))
	}
}

// Results are copies: a caller editing one must not change the next.
func TestSnapshotResultsAreCopies(t *testing.T) {
	ctx, p := context.Background(), Snapshot()
	ebs, _ := p.EBS(ctx, "us-east-1")
	ebs.PerGBMonth["gp3"] = 99
	types, _ := p.InstanceTypes(ctx, "us-east-1")
	types[0] = "zzz"
	again, _ := p.EBS(ctx, "us-east-1")
	types2, _ := p.InstanceTypes(ctx, "us-east-1")
	if again.PerGBMonth["gp3"] != 0.08 || types2[0] == "zzz" {
		t.Error("snapshot results share state with the caller")
	}
}

// Every gap is ErrNoPrice, with what was missing in the message; none is
// a zero.
func TestSnapshotNoPrice(t *testing.T) {
	ctx, p := context.Background(), Snapshot()
	ebs, _ := p.EBS(ctx, "af-south-1") // no io2 there
	st, _ := p.RDSStorage(ctx, "us-east-1")
	s3, _ := p.S3(ctx, "ap-east-2") // no Deep Archive there
	us3, _ := p.S3(ctx, "us-east-1")
	usEBS, _ := p.EBS(ctx, "us-east-1")
	for _, c := range []struct {
		name, want string
		err        func() error
	}{
		{"unknown EC2 type", "type not in", func() error { _, err := p.EC2Hourly(ctx, "us-east-1", "m99.large"); return err }},
		{"unknown region", "region not in", func() error { _, err := p.EC2Hourly(ctx, "xx-east-9", "m5.large"); return err }},
		{"EC2 region without the type", "type not in", func() error { _, err := p.EC2Hourly(ctx, "ap-east-2", "m5.large"); return err }},
		{"unpriced engine", "engine not priced", func() error {
			_, err := p.RDSInstanceHourly(ctx, "eu-west-1", "sqlserver-ee", "db.x2iedn.xlarge", SingleAZ)
			return err
		}},
		{"mariadb is not mysql", "engine not priced", func() error {
			_, err := p.RDSInstanceHourly(ctx, "us-east-1", "mariadb", "db.m5.large", SingleAZ)
			return err
		}},
		{"AZ deployment on Aurora", "does not apply to Aurora", func() error {
			_, err := p.RDSInstanceHourly(ctx, "us-east-1", "aurora-mysql", "db.r6g.large", MultiAZ)
			return err
		}},
		{"Aurora mode on MySQL", "applies only to Aurora", func() error {
			_, err := p.RDSInstanceHourly(ctx, "us-east-1", "mysql", "db.m5.large", AuroraStandard)
			return err
		}},
		{"empty deployment", "unknown deployment", func() error {
			_, err := p.RDSInstanceHourly(ctx, "us-east-1", "mysql", "db.m5.large", "")
			return err
		}},
		{"unknown class", "class not in", func() error {
			_, err := p.RDSInstanceHourly(ctx, "us-east-1", "mysql", "db.m99.large", SingleAZ)
			return err
		}},
		{"removed ca-west-1 Multi-AZ value", "deployment not in", func() error {
			_, err := p.RDSInstanceHourly(ctx, "ca-west-1", "mysql", "db.m6id.large", MultiAZ)
			return err
		}},
		{"no cluster price for the class", "deployment not in", func() error {
			_, err := p.RDSInstanceHourly(ctx, "us-east-1", "mysql", "db.m5.large", MultiAZCluster)
			return err
		}},
		{"RDS region gap", "region not in", func() error {
			_, err := p.RDSInstanceHourly(ctx, "ap-east-2", "mysql", "db.m5.large", SingleAZ)
			return err
		}},
		{"EBS region gap", "region not in", func() error { _, err := p.EBS(ctx, "mx-central-1"); return err }},
		{"RDS storage region gap", "region not in", func() error { _, err := p.RDSStorage(ctx, "ap-southeast-6"); return err }},
		{"io2 missing in region", "volume type not in", func() error { _, err := ebs.GBMonth("io2"); return err }},
		{"unknown volume type", "volume type not in", func() error { _, err := usEBS.GBMonth("gp9"); return err }},
		{"io2 IOPS not in snapshot", "IOPS price not in", func() error { _, err := usEBS.IOPSMonth("io2"); return err }},
		{"no IOPS charge for st1", "IOPS price not in", func() error { _, err := usEBS.IOPSMonth("st1"); return err }},
		{"Multi-AZ cluster storage", "not in", func() error { _, err := st.GBMonth("gp3", MultiAZCluster); return err }},
		{"io2 RDS IOPS", "not in", func() error { _, err := st.IOPSMonth("io2", SingleAZ); return err }},
		{"Deep Archive missing in region", "not in snapshot-2025-11 for the region", func() error {
			_, err := s3.Monthly("DeepArchiveStorage", 1)
			return err
		}},
		{"Intelligent-Tiering unpriced", "storage class not priced", func() error {
			_, err := us3.Monthly("IntelligentTieringFAStorage", 1)
			return err
		}},
		{"unknown Lambda arch", "architecture not in", func() error { _, err := p.Lambda(ctx, "us-east-1", "amd64"); return err }},
		{"IPv4 region gap", "region not in", func() error { _, err := p.IPv4(ctx, "xx-east-9"); return err }},
		{"listing region gap", "region not in", func() error { _, err := p.InstanceTypes(ctx, "xx-east-9"); return err }},
		{"listing unpriced engine", "engine not priced", func() error { _, err := p.RDSClasses(ctx, "us-east-1", "oracle-ee"); return err }},
	} {
		err := c.err()
		if !errors.Is(err, ErrNoPrice) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v; want ErrNoPrice mentioning %q", c.name, err, c.want)
		}
	}
}

func TestSnapshotParseErrors(t *testing.T) {
	for _, raw := range []string{`{`, `{"as_of": "2025"}`, `{"as_of": 5}`} {
		if _, err := parseSnapshot([]byte(raw)); err == nil || errors.Is(err, ErrNoPrice) {
			t.Errorf("parseSnapshot(%s) err = %v; want a parse error", raw, err)
		}
	}
	bad := &snapshotSource{raw: []byte(`{`)}
	if _, err := bad.EC2Hourly(context.Background(), "us-east-1", "m5.large"); err == nil {
		t.Error("a broken snapshot priced something")
	}
}
