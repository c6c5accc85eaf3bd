package fakeorg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// RDSRegion holds one account region's RDS resources. Instances include the
// members of Aurora clusters, as DescribeDBInstances lists them; both slices
// are sorted by identifier, the order RDS answers in.
type RDSRegion struct {
	Instances []*RDSInstance
	Clusters  []*RDSCluster
	// Snapshots are the region's DB snapshots, manual and automated, sorted
	// by identifier (rds_snapshots.go).
	Snapshots []*RDSSnapshot
	// endpointID is the per-account-region part of RDS endpoint host names
	// (<id>.<endpointID>.<region>.rds.amazonaws.com).
	endpointID string
	// defaultKey is the region's aws/rds key, customerKey its customer
	// managed key: only snapshots under a customer key can be shared.
	defaultKey, customerKey string
}

// RDSInstance is one DB instance. Zero IOPS/Throughput and empty KMSKeyID,
// SecondaryAZ and ClusterID mean RDS does not report the field.
type RDSInstance struct {
	ID, ResourceID, ARN                        string
	Engine, EngineVersion, Class, LicenseModel string
	StorageType                                string
	AllocatedGB, IOPS, Throughput              int32
	Encrypted                                  bool
	KMSKeyID                                   string
	MultiAZ, Public                            bool
	AZ, SecondaryAZ                            string
	BackupRetention                            int32
	DeletionProtection, AutoMinorUpgrade       bool
	Status                                     string // available, stopped
	Created                                    time.Time
	ClusterID                                  string
	PerformanceInsights, IAMAuth               bool
	CACert                                     string
	Port                                       int32
	DBName, MasterUser                         string
	Tags                                       map[string]string
}

// RDSCluster is one Aurora DB cluster.
type RDSCluster struct {
	ID, ResourceID, ARN               string
	Engine, EngineVersion, EngineMode string
	Status                            string
	Members                           []string // instance identifiers, writer first
	Encrypted                         bool
	KMSKeyID                          string
	BackupRetention                   int32
	DeletionProtection, MultiAZ       bool
	StorageType                       string // aurora, aurora-iopt1
	// AllocatedGB is what RDS reports for Aurora: always 1, storage grows
	// on its own and is billed by use.
	AllocatedGB int32
	Created     time.Time
	// Serverless is set when the cluster has a Serverless v2 scaling range.
	Serverless         bool
	MinACU, MaxACU     float64
	IAMAuth            bool
	Port               int32
	AZs                []string
	DBName, MasterUser string
	Tags               map[string]string
}

// Writer is the cluster's writer instance, "" for a cluster without instances.
func (c *RDSCluster) Writer() string {
	if len(c.Members) == 0 {
		return ""
	}
	return c.Members[0]
}

// Classes per engine that the price snapshot has in every enabled region,
// so cost analysis can price what the generator picks.
var (
	rdsBurstable = []string{"db.t3", "db.t4g"}
	rdsGeneral   = []string{"db.m5", "db.m6g", "db.m6i"}
	rdsMemory    = []string{"db.r5", "db.r6g"}
	// SQL Server SE and Oracle SE2 (license included) are not in the
	// snapshot; they are rare, as in most organizations.
	rdsLicensedClasses = map[string][]string{
		"sqlserver-se": {"db.m5.large", "db.m5.xlarge", "db.m5.2xlarge", "db.r5.large", "db.r5.xlarge", "db.m6i.large", "db.m6i.xlarge"},
		"oracle-se2":   {"db.m5.large", "db.m5.xlarge", "db.r5.large", "db.t3.medium", "db.t3.large", "db.m6i.large"},
	}
	rdsAuroraClasses = map[string][]string{
		"aurora-mysql":      {"db.r6g.large", "db.r6g.large", "db.r6g.xlarge", "db.r5.large", "db.r5.xlarge", "db.r6g.2xlarge", "db.r5.2xlarge", "db.t4g.medium", "db.t4g.medium", "db.t4g.large"},
		"aurora-postgresql": {"db.r6g.large", "db.r6g.large", "db.r6g.xlarge", "db.r5.large", "db.r5.xlarge", "db.r6g.2xlarge", "db.r5.2xlarge", "db.t4g.medium", "db.t4g.medium", "db.t4g.large"},
	}
	rdsVersions = map[string][]string{
		"mysql":             {"8.0.39", "8.0.40", "8.0.40", "8.4.3", "5.7.44"},
		"postgres":          {"16.4", "16.6", "15.8", "15.10", "14.13", "13.16", "17.2"},
		"mariadb":           {"10.11.9", "10.11.10", "10.6.19"},
		"sqlserver-se":      {"15.00.4395.2.v1", "16.00.4165.4.v1"},
		"oracle-se2":        {"19.0.0.0.ru-2024-10.rur-2024-10.r1"},
		"aurora-mysql":      {"8.0.mysql_aurora.3.08.0", "8.0.mysql_aurora.3.05.2", "8.0.mysql_aurora.3.07.1", "5.7.mysql_aurora.2.12.3"},
		"aurora-postgresql": {"16.6", "15.10", "14.15", "13.18"},
	}
	rdsLicense = map[string]string{
		"mysql": "general-public-license", "mariadb": "general-public-license", "aurora-mysql": "general-public-license",
		"postgres": "postgresql-license", "aurora-postgresql": "postgresql-license",
		"sqlserver-se": "license-included", "oracle-se2": "license-included",
	}
	rdsPorts = map[string]int32{
		"mysql": 3306, "mariadb": 3306, "aurora-mysql": 3306, "postgres": 5432, "aurora-postgresql": 5432,
		"sqlserver-se": 1433, "oracle-se2": 1521,
	}
	rdsApps   = []string{"orders", "billing", "users", "inventory", "analytics", "payments", "catalog", "auth", "reporting", "search", "crm", "ledger", "events", "notifications", "wiki", "grafana", "keycloak", "metabase"}
	rdsOwners = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
	// AZ letters per region where they are not a, b, c.
	rdsAZLetters = map[string]string{"ap-northeast-1": "acd", "us-west-1": "ac", "ca-central-1": "abd"}
)

// rds generates the region's instances and Aurora clusters: about two
// standalone instances per region at Scale 1 and a cluster in about one
// region of three.
func (g *gen) rds() {
	reg := g.region.Name
	r := &g.region.RDS
	r.endpointID = randLower(g.rng, 12)
	defaultKey := g.rdsKeyARN()
	customerKey := g.rdsKeyARN()
	r.defaultKey, r.customerKey = defaultKey, customerKey
	env := rdsEnv(g.acct)
	used := map[string]bool{}
	pickKey := func() string {
		if g.rng.Float64() < 0.2 {
			return customerKey
		}
		return defaultKey
	}

	n := g.count(2)
	if n > 0 {
		n += g.rng.IntN(3) - 1
	}
	for i := 0; i < n; i++ {
		db := g.rdsStandalone(env, used)
		if db.Encrypted {
			db.KMSKeyID = pickKey()
		}
		r.Instances = append(r.Instances, db)
	}

	clusters := 0
	for i, m := 0, g.count(1); i < m; i++ {
		if g.rng.IntN(3) == 0 {
			clusters++
		}
	}
	for i := 0; i < clusters; i++ {
		c, members := g.rdsAurora(env, used)
		if c.Encrypted {
			c.KMSKeyID = pickKey()
			for _, m := range members {
				m.KMSKeyID = c.KMSKeyID
			}
		}
		r.Clusters = append(r.Clusters, c)
		r.Instances = append(r.Instances, members...)
	}
	sort.Slice(r.Instances, func(i, j int) bool { return r.Instances[i].ID < r.Instances[j].ID })
	sort.Slice(r.Clusters, func(i, j int) bool { return r.Clusters[i].ID < r.Clusters[j].ID })

	// CloudWatch holds metrics for running instances only: a stopped
	// instance has no datapoints, which the inventory must show as unknown.
	for _, db := range r.Instances {
		if db.Status == "available" {
			g.rdsMetrics(reg, db)
		}
	}
	g.rdsSnapshots()
}

func (g *gen) rdsStandalone(env string, used map[string]bool) *RDSInstance {
	reg := g.region.Name
	engine := rdsPick(g, []string{"mysql", "mysql", "mysql", "mysql", "postgres", "postgres", "postgres", "postgres", "mariadb"})
	if x := g.rng.Float64(); x < 0.05 {
		engine = "sqlserver-se"
	} else if x < 0.08 {
		engine = "oracle-se2"
	}
	app := rdsPick(g, rdsApps)
	id := rdsUnique(used, fmt.Sprintf("%s-%s", app, env))
	db := &RDSInstance{
		ID: id, ResourceID: "db-" + rdsRandUpper(g.rng, 26),
		ARN:    fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", reg, g.acct.ID, id),
		Engine: engine, EngineVersion: rdsPick(g, rdsVersions[engine]),
		Class: g.rdsClass(engine), LicenseModel: rdsLicense[engine], Port: rdsPorts[engine],
		DBName: strings.ReplaceAll(app, "-", "_"), MasterUser: rdsPick(g, []string{"admin", "dbadmin", "postgres", "root"}),
	}
	switch x := g.rng.Float64(); {
	case x < 0.55:
		db.StorageType = "gp3"
	case x < 0.9:
		db.StorageType = "gp2"
	default:
		db.StorageType = "io1"
	}
	if db.StorageType == "io1" {
		db.AllocatedGB = rdsPick(g, []int32{100, 200, 400, 500, 1000})
		db.IOPS = max(1000, db.AllocatedGB*rdsPick(g, []int32{10, 20, 30})/1000*1000)
	} else {
		db.AllocatedGB = rdsPick(g, []int32{20, 20, 50, 100, 100, 200, 250, 500, 1000})
	}
	// gp3 reports its baseline: 3,000 IOPS / 125 MiB/s, rising to 12,000 /
	// 500 once the volume is striped (400 GB; 200 GB for Oracle; never for SQL Server).
	if db.StorageType == "gp3" {
		db.IOPS, db.Throughput = 3000, 125
		striped := db.AllocatedGB >= 400
		switch engine {
		case "oracle-se2":
			striped = db.AllocatedGB >= 200
		case "sqlserver-se":
			striped = false
		}
		if striped {
			db.IOPS, db.Throughput = 12000, 500
		}
	}
	prod := env == "prod"
	db.Encrypted = g.rng.Float64() >= 0.25
	db.MultiAZ = g.rng.Float64() < rdsIf(prod, 0.35, 0.08)
	db.Public = g.rng.Float64() < 0.1
	azs := rdsAZs(reg)
	i := g.rng.IntN(len(azs))
	db.AZ = azs[i]
	if db.MultiAZ {
		db.SecondaryAZ = azs[(i+1)%len(azs)]
	}
	db.BackupRetention = rdsPick(g, []int32{0, 1, 1, 7, 7, 7, 7, 7, 7, 14, 14, 35})
	db.DeletionProtection = g.rng.Float64() < rdsIf(prod, 0.75, 0.2)
	db.AutoMinorUpgrade = g.rng.Float64() < 0.85
	db.Status = "available"
	if g.rng.IntN(6) == 0 {
		db.Status = "stopped"
	}
	db.Created = g.rdsCreated()
	small := strings.HasSuffix(db.Class, ".micro") || strings.HasSuffix(db.Class, ".small")
	db.PerformanceInsights = g.rng.Float64() < 0.35 && !small
	db.IAMAuth = g.rng.Float64() < 0.2 && (engine == "mysql" || engine == "postgres")
	db.CACert = g.rdsCACert()
	db.Tags = g.rdsTags(env, id)
	return db
}

func (g *gen) rdsAurora(env string, used map[string]bool) (*RDSCluster, []*RDSInstance) {
	reg := g.region.Name
	engine := "aurora-mysql"
	if g.rng.Float64() < 0.45 {
		engine = "aurora-postgresql"
	}
	app := rdsPick(g, rdsApps)
	id := rdsUnique(used, fmt.Sprintf("%s-%s-aurora", app, env))
	prod := env == "prod"
	c := &RDSCluster{
		ID: id, ResourceID: "cluster-" + rdsRandUpper(g.rng, 26),
		ARN:    fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", reg, g.acct.ID, id),
		Engine: engine, EngineVersion: rdsPick(g, rdsVersions[engine]), EngineMode: "provisioned",
		Status: "available", StorageType: "aurora", AllocatedGB: 1, Port: rdsPorts[engine],
		DBName: strings.ReplaceAll(app, "-", "_"), MasterUser: map[string]string{"aurora-mysql": "admin", "aurora-postgresql": "postgres"}[engine],
	}
	if g.rng.Float64() < 0.2 {
		c.StorageType = "aurora-iopt1"
	}
	if g.rng.IntN(10) == 0 {
		c.Status = "stopped"
	}
	class := rdsPick(g, rdsAuroraClasses[engine])
	// Serverless v2 (db.serverless members) is common, but the price
	// snapshot has no ACU prices, so keep it to about one cluster in six.
	if g.rng.IntN(6) == 0 {
		c.Serverless, class = true, "db.serverless"
		c.MinACU = rdsPick(g, []float64{0.5, 0.5, 1, 2})
		c.MaxACU = rdsPick(g, []float64{4, 8, 16, 32})
	}
	c.Encrypted = g.rng.Float64() < 0.85
	c.BackupRetention = rdsPick(g, []int32{1, 7, 7, 7, 14, 35})
	c.DeletionProtection = g.rng.Float64() < rdsIf(prod, 0.8, 0.25)
	c.IAMAuth = g.rng.Float64() < 0.2
	c.Created = g.rdsCreated()
	c.Tags = g.rdsTags(env, id)
	azs := rdsAZs(reg)
	c.AZs = azs
	n := rdsPick(g, []int{1, 1, 2, 2, 3})
	first := g.rng.IntN(len(azs))
	var members []*RDSInstance
	for i := 0; i < n; i++ {
		mid := rdsUnique(used, fmt.Sprintf("%s-instance-%d", id, i+1))
		members = append(members, &RDSInstance{
			ID: mid, ResourceID: "db-" + rdsRandUpper(g.rng, 26),
			ARN:    fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", reg, g.acct.ID, mid),
			Engine: engine, EngineVersion: c.EngineVersion, Class: class, LicenseModel: rdsLicense[engine],
			// Aurora instances report the cluster's storage type and a
			// nominal 1 GB; Multi-AZ and deletion protection live on the cluster.
			StorageType: c.StorageType, AllocatedGB: 1, Encrypted: c.Encrypted,
			Public: g.rng.Float64() < 0.05, AZ: azs[(first+i)%len(azs)],
			BackupRetention: c.BackupRetention, AutoMinorUpgrade: g.rng.Float64() < 0.85,
			Status: c.Status, Created: c.Created.Add(time.Duration(i*7+g.rng.IntN(60)) * time.Minute),
			ClusterID: id, PerformanceInsights: g.rng.Float64() < 0.4, IAMAuth: c.IAMAuth,
			CACert: g.rdsCACert(), Port: c.Port, MasterUser: c.MasterUser,
			Tags: rdsCopyTags(c.Tags),
		})
		c.Members = append(c.Members, mid)
	}
	c.MultiAZ = n > 1 // replicas sit in other AZs
	return c, members
}

// rdsClass picks a class the snapshot prices for the engine (MariaDB takes
// MySQL's classes): mostly burstable, then general purpose and memory optimized.
func (g *gen) rdsClass(engine string) string {
	if cs, ok := rdsLicensedClasses[engine]; ok {
		return rdsPick(g, cs)
	}
	switch x := g.rng.Float64(); {
	case x < 0.45:
		return rdsPick(g, rdsBurstable) + "." + rdsPick(g, []string{"micro", "micro", "small", "small", "medium", "medium", "large", "large", "xlarge", "2xlarge"})
	case x < 0.75:
		return rdsPick(g, rdsGeneral) + "." + rdsPick(g, []string{"large", "large", "large", "xlarge", "xlarge", "2xlarge"})
	default:
		return rdsPick(g, rdsMemory) + "." + rdsPick(g, []string{"large", "large", "large", "xlarge", "xlarge", "2xlarge"})
	}
}

// rdsMetrics registers 14-day CPU and connection statistics: most instances
// busy, some oversized (peak CPU under 40%), some idle (no connections).
func (g *gen) rdsMetrics(region string, db *RDSInstance) {
	var cpuAvg, cpuMax, connAvg, connMax float64
	switch x := g.rng.Float64(); {
	case x < 0.12: // idle: only the engine's own background work
		cpuAvg, cpuMax = 1+g.rng.Float64()*3, 4+g.rng.Float64()*5
	case x < 0.45: // oversized
		cpuAvg, cpuMax = 2+g.rng.Float64()*12, 10+g.rng.Float64()*29
		connAvg = 1 + g.rng.Float64()*20
		connMax = math.Ceil(connAvg * (1.5 + g.rng.Float64()*1.5))
	default:
		cpuAvg, cpuMax = 15+g.rng.Float64()*40, 55+g.rng.Float64()*44
		connAvg = 5 + g.rng.Float64()*150
		connMax = math.Ceil(connAvg * (1.3 + g.rng.Float64()*2))
	}
	dims := map[string]string{"DBInstanceIdentifier": db.ID}
	set := func(metric, stat string, v float64) {
		g.org.SetMetric(g.acct.ID, region, "AWS/RDS", metric, dims, stat, math.Round(v*100)/100)
	}
	set("CPUUtilization", "Average", cpuAvg)
	set("CPUUtilization", "Maximum", cpuMax)
	set("DatabaseConnections", "Average", connAvg)
	set("DatabaseConnections", "Maximum", connMax)
}

func (g *gen) rdsTags(env, name string) map[string]string {
	if g.rng.Float64() < 0.12 {
		return map[string]string{}
	}
	t := map[string]string{"Environment": env}
	if g.rng.Float64() < 0.3 {
		t["Name"] = name
	}
	switch x := g.rng.Float64(); {
	case x < 0.7:
		t["Department"] = g.acct.Department
	case x < 0.8:
		t["Department"] = rdsPick(g, departments)
	}
	if g.rng.Float64() < 0.5 {
		t["CostCenter"] = fmt.Sprintf("CC-%d", 1000+g.rng.IntN(40)*25)
	}
	if g.rng.Float64() < 0.4 {
		t["Owner"] = rdsPick(g, rdsOwners) + "@example.com"
	}
	return t
}

func (g *gen) rdsCACert() string {
	switch x := g.rng.Float64(); {
	case x < 0.75:
		return "rds-ca-rsa2048-g1"
	case x < 0.85:
		return "rds-ca-2019" // expired in 2024: a security finding
	case x < 0.93:
		return "rds-ca-ecc384-g1"
	default:
		return "rds-ca-rsa4096-g1"
	}
}

func (g *gen) rdsCreated() time.Time {
	d := time.Duration(1+g.rng.IntN(3*365))*24*time.Hour + time.Duration(g.rng.IntN(86400))*time.Second
	return g.org.Spec.Now.Add(-d).UTC()
}

func (g *gen) rdsKeyARN() string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s-%s-%s-%s-%s", g.region.Name, g.acct.ID,
		randHex(g.rng, 8), randHex(g.rng, 4), randHex(g.rng, 4), randHex(g.rng, 4), randHex(g.rng, 12))
}

// rdsIf picks a probability by environment: production is better guarded.
func rdsIf(prod bool, p, other float64) float64 {
	if prod {
		return p
	}
	return other
}

func rdsPick[T any](g *gen, xs []T) T { return xs[g.rng.IntN(len(xs))] }

// rdsUnique makes an identifier unique in the account region (RDS
// identifiers are unique per account and region, instances and clusters apart,
// but sharing one namespace here keeps names readable).
func rdsUnique(used map[string]bool, id string) string {
	out := id
	for i := 2; used[out]; i++ {
		out = fmt.Sprintf("%s-%d", id, i)
	}
	used[out] = true
	return out
}

// rdsEnv reads the environment from a member account name (dept-env-N).
func rdsEnv(a *Account) string {
	parts := strings.Split(a.Name, "-")
	if len(parts) >= 2 {
		for _, e := range envs {
			if parts[1] == e {
				return e
			}
		}
	}
	return "dev"
}

func rdsAZs(region string) []string {
	letters := rdsAZLetters[region]
	if letters == "" {
		letters = "abc"
	}
	out := make([]string, len(letters))
	for i, l := range letters {
		out[i] = region + string(l)
	}
	return out
}

func rdsRandUpper(rng *rand.Rand, n int) string {
	const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = upperAlnum[rng.IntN(len(upperAlnum))]
	}
	return string(b)
}

func rdsCopyTags(t map[string]string) map[string]string {
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}
