package rds

import (
	"slices"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Aurora members are billed per instance, so every cluster member must also
// be an rds_instance record pointing back at its cluster.
func TestClusterMembersAreInstanceRecords(t *testing.T) {
	o := fakeorg.New(testSpec())
	clusters := 0
	for _, a := range o.Reachable()[:6] {
		for _, region := range a.EnabledRegions() {
			tg := collecttest.Target(o, a, region)
			instances := map[string]inventory.Record{}
			for _, r := range collecttest.Collect(t, Instances(), tg) {
				instances[r.ResourceID] = r
			}
			for _, c := range collecttest.Collect(t, Clusters(), tg) {
				clusters++
				members := c.Attributes["members"].([]string)
				if !slices.IsSorted(members) || len(members) == 0 {
					t.Errorf("%s members = %v, want sorted and non-empty", c.ResourceID, members)
				}
				if w, _ := c.Attributes["writer_instance"].(string); !slices.Contains(members, w) {
					t.Errorf("%s writer %q is not a member of %v", c.ResourceID, w, members)
				}
				for _, m := range members {
					inst, ok := instances[m]
					if !ok {
						t.Errorf("%s member %s has no rds_instance record", c.ResourceID, m)
						continue
					}
					if inst.Attributes["cluster_id"] != c.ResourceID || inst.Attributes["engine"] != c.Attributes["engine"] {
						t.Errorf("%s: cluster_id %v engine %v, want %s %v", m, inst.Attributes["cluster_id"], inst.Attributes["engine"], c.ResourceID, c.Attributes["engine"])
					}
				}
			}
		}
	}
	if clusters == 0 {
		t.Fatal("no clusters generated")
	}
}
