package ec2

import (
	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
)

// testSpec is a small organization whose regions hold more than one page of
// every paginated listing (Scale 2).
func testSpec() fakeorg.Spec {
	sp := collecttest.Spec()
	sp.Accounts, sp.Regions, sp.Scale = 6, 2, 2
	return sp
}

var collectors = []collect.Collector{Instances(), Volumes(), ElasticIPs(), SecurityGroups()}
