package pricing

import (
	"context"
	"maps"
	"slices"
	"sync"
)

// snapshotSource serves the bundled snapshot. The JSON (about 1 MB) is
// parsed on first use, once, so commands that never price pay nothing.
type snapshotSource struct {
	once sync.Once
	data *snapshotData
	err  error
	raw  []byte
}

var bundled = &snapshotSource{raw: snapshotJSON}

// Snapshot returns the prices bundled with the project (Basis
// "snapshot-2025-11"). It needs no network and no credentials. All callers
// share one parsed copy; results are copies, safe to modify.
func Snapshot() Prices { return bundled }

func (s *snapshotSource) load() (*snapshotData, error) {
	s.once.Do(func() { s.data, s.err = parseSnapshot(s.raw) })
	return s.data, s.err
}

func (s *snapshotSource) EC2Hourly(_ context.Context, region, instanceType string) (Quote, error) {
	d, err := s.load()
	if err != nil {
		return Quote{}, err
	}
	types, ok := d.file.EC2[region]
	if !ok {
		return Quote{}, noPrice("EC2 "+instanceType, region, "region not in "+d.basis)
	}
	usd, ok := types[instanceType]
	if !ok {
		return Quote{}, noPrice("EC2 "+instanceType, region, "type not in "+d.basis+" (Linux on-demand)")
	}
	return Quote{USD: usd, Basis: d.basis}, nil
}

func (s *snapshotSource) RDSInstanceHourly(_ context.Context, region, engine, class string, dep Deployment) (Quote, error) {
	d, err := s.load()
	if err != nil {
		return Quote{}, err
	}
	what := "RDS " + class + " " + engine + " " + string(dep)
	if err := checkEngineDeployment(engine, dep); err != nil {
		return Quote{}, noPrice(what, region, err.Error())
	}
	engines, ok := d.file.RDS.Instances[region]
	if !ok {
		return Quote{}, noPrice(what, region, "region not in "+d.basis)
	}
	deps, ok := engines[engine][class]
	if !ok {
		return Quote{}, noPrice(what, region, "class not in "+d.basis)
	}
	usd, ok := deps[dep]
	if !ok {
		return Quote{}, noPrice(what, region, "deployment not in "+d.basis)
	}
	return Quote{USD: usd, Basis: d.basis}, nil
}

func (s *snapshotSource) EBS(_ context.Context, region string) (EBSRates, error) {
	d, err := s.load()
	if err != nil {
		return EBSRates{}, err
	}
	e, ok := d.file.EBS[region]
	if !ok {
		return EBSRates{}, noPrice("EBS", region, "region not in "+d.basis)
	}
	r := EBSRates{Region: region, PerGBMonth: map[string]float64{}, Basis: d.basis,
		GP3IOPSMonth:            e["gp3_iops_per_iops_month"],
		GP3ThroughputMiBpsMonth: e["gp3_throughput_per_mibps_month"],
		IO1IOPSMonth:            e["io1_iops_per_iops_month"],
		SnapshotGBMonth:         e["snapshot_per_gb_month"],
	}
	for _, t := range []string{"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"} {
		if v, ok := e[t]; ok {
			r.PerGBMonth[t] = v
		}
	}
	return r, nil
}

func (s *snapshotSource) RDSStorage(_ context.Context, region string) (RDSStorageRates, error) {
	d, err := s.load()
	if err != nil {
		return RDSStorageRates{}, err
	}
	st, ok := d.file.RDS.Storage[region]
	if !ok {
		return RDSStorageRates{}, noPrice("RDS storage", region, "region not in "+d.basis)
	}
	r := RDSStorageRates{Region: region, Basis: d.basis,
		PerGBMonth:           map[string]map[Deployment]float64{},
		ProvisionedIOPSMonth: map[string]map[Deployment]float64{},
		AuroraGBMonth:        map[Deployment]float64{},
	}
	for t, m := range map[string]map[Deployment]float64{"gp2": st.GP2, "gp3": st.GP3, "io1": st.IO1, "io2": st.IO2, "magnetic": st.Magnetic} {
		if len(m) > 0 {
			r.PerGBMonth[t] = maps.Clone(m)
		}
	}
	for t, m := range map[string]map[Deployment]float64{"gp3": st.GP3IOPS, "io1": st.IO1IOPS} {
		if len(m) > 0 {
			r.ProvisionedIOPSMonth[t] = maps.Clone(m)
		}
	}
	if st.AuroraStandard != nil {
		r.AuroraGBMonth[AuroraStandard] = *st.AuroraStandard
	}
	if st.AuroraIOOptimized != nil {
		r.AuroraGBMonth[AuroraIOOpt] = *st.AuroraIOOptimized
	}
	if st.AuroraIO != nil {
		r.AuroraIOPerMillion = *st.AuroraIO
	}
	if st.Backup != nil {
		r.BackupGBMonth = *st.Backup
	}
	return r, nil
}

func (s *snapshotSource) S3(_ context.Context, region string) (S3Rates, error) {
	d, err := s.load()
	if err != nil {
		return S3Rates{}, err
	}
	m, ok := d.file.S3[region]
	if !ok {
		return S3Rates{}, noPrice("S3", region, "region not in "+d.basis)
	}
	return S3Rates{Region: region, PerGBMonth: maps.Clone(m), Basis: d.basis}, nil
}

func (s *snapshotSource) Lambda(_ context.Context, region, arch string) (LambdaRates, error) {
	d, err := s.load()
	if err != nil {
		return LambdaRates{}, err
	}
	archs, ok := d.file.Lambda[region]
	if !ok {
		return LambdaRates{}, noPrice("Lambda "+arch, region, "region not in "+d.basis)
	}
	m, ok := archs[arch]
	if !ok {
		return LambdaRates{}, noPrice("Lambda "+arch, region, "architecture not in "+d.basis+" (x86_64, arm64)")
	}
	gbs, okG := m["gb_second"]
	req, okR := m["requests_per_million"]
	if !okG || !okR {
		return LambdaRates{}, noPrice("Lambda "+arch, region, "duration or request price not in "+d.basis)
	}
	return LambdaRates{Region: region, Arch: arch, GBSecond: gbs, RequestsPerMillion: req,
		GBSecondTier2: m["gb_second_tier2"], GBSecondTier3: m["gb_second_tier3"], Basis: d.basis}, nil
}

func (s *snapshotSource) IPv4(_ context.Context, region string) (IPv4Rates, error) {
	d, err := s.load()
	if err != nil {
		return IPv4Rates{}, err
	}
	m, ok := d.file.IPv4[region]
	inUse, okU := m["in_use_per_hour"]
	idle, okI := m["idle_per_hour"]
	if !ok || !okU || !okI {
		return IPv4Rates{}, noPrice("public IPv4", region, "region not in "+d.basis)
	}
	return IPv4Rates{Region: region, InUseHourly: inUse, IdleHourly: idle, Basis: d.basis}, nil
}

func (s *snapshotSource) InstanceTypes(_ context.Context, region string) ([]string, error) {
	d, err := s.load()
	if err != nil {
		return nil, err
	}
	types, ok := d.ec2Types[region]
	if !ok {
		return nil, noPrice("EC2 instance types", region, "region not in "+d.basis)
	}
	return slices.Clone(types), nil
}

func (s *snapshotSource) RDSClasses(_ context.Context, region, engine string) ([]string, error) {
	d, err := s.load()
	if err != nil {
		return nil, err
	}
	if !knownEngine(engine) {
		return nil, noPrice("RDS classes for "+engine, region, "engine not priced")
	}
	engines, ok := d.rdsClasses[region]
	if !ok {
		return nil, noPrice("RDS classes for "+engine, region, "region not in "+d.basis)
	}
	classes, ok := engines[engine]
	if !ok {
		return nil, noPrice("RDS classes for "+engine, region, "engine not in "+d.basis+" for the region")
	}
	return slices.Clone(classes), nil
}
