package pricing

// productQuery is one GetProducts question whose answer is a single hourly
// on-demand price. key names it in the per-run memo and the persistent
// cache (v1: bump when the filters or the cached body change meaning).
type productQuery struct {
	key     string
	service string
	filters [][2]string // TERM_MATCH field, value
}

// ec2Query asks for the price used everywhere in this project: Linux,
// shared tenancy, no pre-installed software, on-demand capacity (not
// capacity-reservation rows), no licence.
func ec2Query(region, instanceType string) productQuery {
	return productQuery{
		key:     "v1/ec2/" + region + "/" + instanceType,
		service: "AmazonEC2",
		filters: [][2]string{
			{"instanceType", instanceType},
			{"regionCode", region},
			{"operatingSystem", "Linux"},
			{"tenancy", "Shared"},
			{"preInstalledSw", "NA"},
			{"capacitystatus", "Used"},
			{"licenseModel", "No License required"},
		},
	}
}

// rdsEngineNames maps RDS API engine names to the Price List's
// databaseEngine values.
var rdsEngineNames = map[string]string{
	EngineMySQL:            "MySQL",
	EnginePostgres:         "PostgreSQL",
	EngineAuroraMySQL:      "Aurora MySQL",
	EngineAuroraPostgreSQL: "Aurora PostgreSQL",
}

// rdsQuery asks for one DB instance-hour. MySQL/PostgreSQL differ by
// deploymentOption; Aurora is always "Single-AZ" in the Price List (a
// replica is another instance) and its two billing modes are told apart by
// the storage attribute. productFamily keeps out rows such as Extended
// Support that share the other attributes.
func rdsQuery(region, engine, class string, d Deployment) productQuery {
	f := [][2]string{
		{"productFamily", "Database Instance"},
		{"instanceType", class},
		{"regionCode", region},
		{"databaseEngine", rdsEngineNames[engine]},
		{"licenseModel", "No license required"},
	}
	switch d {
	case SingleAZ:
		f = append(f, [2]string{"deploymentOption", "Single-AZ"})
	case MultiAZ:
		f = append(f, [2]string{"deploymentOption", "Multi-AZ"})
	case MultiAZCluster:
		f = append(f, [2]string{"deploymentOption", "Multi-AZ (readable standbys)"})
	case AuroraStandard:
		f = append(f, [2]string{"deploymentOption", "Single-AZ"}, [2]string{"storage", "EBS Only"})
	case AuroraIOOpt:
		f = append(f, [2]string{"deploymentOption", "Single-AZ"}, [2]string{"storage", "Aurora IO Optimization Mode"})
	}
	return productQuery{
		key:     "v1/rds/" + region + "/" + engine + "/" + class + "/" + string(d),
		service: "AmazonRDS",
		filters: f,
	}
}
