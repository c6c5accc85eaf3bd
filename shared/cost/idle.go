package cost

import (
	"fmt"
	"time"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Fixed windows of the seed's idle rules: the collectors read these metrics
// over these spans, so the thresholds are not configurable.
const (
	// MinInvocations30d: a function invoked fewer times in 30 days is unused.
	MinInvocations30d = 10
	// functionWindow is the span of invocations_30d.
	functionWindow = 30 * 24 * time.Hour
)

// index finds the records a rule needs beside the one it judges.
type index struct {
	// volumes of an instance, by account/region/instance ID.
	volumes map[[3]string][]inventory.Record
	// clusters by account/region/cluster ID.
	clusters map[[3]string]inventory.Record
}

func newIndex(live []inventory.Record) index {
	x := index{volumes: map[[3]string][]inventory.Record{}, clusters: map[[3]string]inventory.Record{}}
	for _, r := range live {
		switch r.ResourceType {
		case inventory.EBSVolume:
			if id := str(r, "attached_instance_id"); id != "" {
				k := [3]string{r.AccountID, r.Region, id}
				x.volumes[k] = append(x.volumes[k], r)
			}
		case inventory.RDSCluster:
			x.clusters[[3]string{r.AccountID, r.Region, r.ResourceID}] = r
		}
	}
	return x
}

// idle applies the seed's idle rules. Thresholds compare strictly (stopped
// "more than" 30 days, CPU "under" 5%, "fewer than" 10 invocations), as the
// seed words them. A rule whose input is missing records a NoData instead.
func idle(live []inventory.Record, x index, th config.CostThresholds, now time.Time) ([]Finding, []NoData) {
	var fs []Finding
	var nd []NoData
	skip := func(r inventory.Record, rule, reason string) {
		nd = append(nd, NoData{Resource: resourceOf(r), Rule: rule, Reason: reason})
	}
	for _, r := range live {
		var f *Finding
		switch r.ResourceType {
		case inventory.EC2Instance:
			switch str(r, "state") {
			case "stopped":
				f = stoppedInstance(r, x, th, now, skip)
			case "running":
				f = lowCPUInstance(r, th, skip)
			}
		case inventory.RDSInstance:
			f = idleDatabase(r, skip)
		case inventory.EBSVolume:
			if attached, ok := boolean(r, "attached"); ok && !attached {
				f = &Finding{Kind: UnattachedVolume, Action: "delete", Evidence: fmt.Sprintf("unattached %s %d GiB", str(r, "volume_type"), intAttr(r, "size_gb")),
					Reason:  fmt.Sprintf("attached to no instance (%s %d GiB)", str(r, "volume_type"), intAttr(r, "size_gb")),
					Caveats: []string{"snapshot it first if the data may be needed (snapshots are billed per GB-month)"}}
			}
		case inventory.ElasticIP:
			if assoc, ok := boolean(r, "associated"); ok && !assoc {
				f = &Finding{Kind: UnassociatedIP, Action: "release", Evidence: "not associated",
					Reason:  "associated with nothing (public IPv4 is billed $0.005/h whether used or not)",
					Caveats: []string{"no allow-list or DNS record still names the address (a released one cannot be recovered): " + dash(str(r, "public_ip"))}}
			}
		case inventory.S3Bucket:
			f = emptyBucket(r, th, now, skip)
		case inventory.LambdaFunction:
			f = unusedFunction(r, now)
		}
		if f == nil {
			continue
		}
		f.Resource = resourceOf(r)
		if f.MonthlySavingsUSD == nil && f.Kind != StoppedInstance && r.EstimatedMonthlyCost != nil {
			// Removing the resource saves all it costs.
			f.MonthlySavingsUSD = ptr(round2(*r.EstimatedMonthlyCost))
			f.Basis = r.CostBasis
		}
		fs = append(fs, *f)
	}
	sortFindings(fs)
	return fs, nd
}

// stoppedInstance: a stopped instance costs no compute, but its volumes
// (and snapshots) still bill. Terminating it after an image saves the
// volumes, so that is the saving; the instance's own estimate (0 when
// stopped) is added in case it has one.
func stoppedInstance(r inventory.Record, x index, th config.CostThresholds, now time.Time, skip func(inventory.Record, string, string)) *Finding {
	since, ok := timestamp(r, "state_since")
	if !ok {
		skip(r, StoppedInstance, "no data: when it stopped is unknown (no time in the state transition reason)")
		return nil
	}
	d := days(now, since)
	if d <= th.IdleResourceDays {
		return nil
	}
	f := &Finding{Kind: StoppedInstance, Action: "terminate", Evidence: fmt.Sprintf("stopped %d days", d),
		Reason:  fmt.Sprintf("stopped %d days (more than idle_resource_days %d); its volumes still bill", d, th.IdleResourceDays),
		Caveats: []string{"create an image (AMI) first if it may be needed again"}}
	total, priced, unpricedVols := 0.0, false, 0
	if c := r.EstimatedMonthlyCost; c != nil {
		total, priced = *c, true
	}
	for _, v := range x.volumes[[3]string{r.AccountID, r.Region, r.ResourceID}] {
		f.Related = append(f.Related, resourceOf(v))
		if c := v.EstimatedMonthlyCost; c != nil {
			total, priced = total+*c, true
		} else {
			unpricedVols++
		}
	}
	if unpricedVols > 0 {
		f.Caveats = append(f.Caveats, fmt.Sprintf("%d of its volumes are unpriced and not in the saving", unpricedVols))
	}
	if priced {
		f.MonthlySavingsUSD = ptr(round2(total))
		f.Basis = r.CostBasis
	}
	return f
}

// lowCPUInstance: running but averaging under low_cpu_percent over 14 days.
// Stopping it saves its compute; its volumes stay.
func lowCPUInstance(r inventory.Record, th config.CostThresholds, skip func(inventory.Record, string, string)) *Finding {
	avg, ok := num(r, "cpu_avg_14d")
	if !ok {
		skip(r, LowCPUInstance, "no data: no 14-day CPU average (CloudWatch had no datapoints)")
		return nil
	}
	if avg >= th.LowCPUPercent {
		return nil
	}
	return &Finding{Kind: LowCPUInstance, Action: "stop", Evidence: fmt.Sprintf("avg CPU %.1f%% over 14 days", avg),
		Reason:  fmt.Sprintf("average CPU %.1f%% over 14 days (under low_cpu_percent %g%%)", avg, th.LowCPUPercent),
		Caveats: []string{"its EBS volumes keep billing while it is stopped"}}
}

// idleDatabase: an available RDS instance with no connection in 7 days.
// Stopping RDS lasts 7 days only (AWS restarts it), so the action is
// deleting it with a final snapshot.
func idleDatabase(r inventory.Record, skip func(inventory.Record, string, string)) *Finding {
	if s := str(r, "state"); s != "" && s != "available" {
		return nil
	}
	conns, ok := num(r, "connections_max_7d")
	if !ok {
		skip(r, IdleDatabase, "no data: no 7-day DatabaseConnections maximum")
		return nil
	}
	if conns != 0 {
		return nil
	}
	f := &Finding{Kind: IdleDatabase, Action: "delete", Evidence: "0 connections in 7 days",
		Reason:  "no connections in 7 days (DatabaseConnections maximum 0)",
		Caveats: []string{"keep a final snapshot (billed per GB-month)"}}
	if str(r, "cluster_id") != "" {
		f.Caveats = []string{"Aurora member: the cluster keeps the data; the saving is this instance's hours"}
	}
	if dp, _ := boolean(r, "deletion_protection"); dp {
		f.Caveats = append(f.Caveats, "deletion protection is on: turn it off first")
	}
	return f
}

// emptyBucket: no objects, and older than stale_resource_days. The storage
// metric says only "empty now"; the age stands in for "empty for that long".
func emptyBucket(r inventory.Record, th config.CostThresholds, now time.Time, skip func(inventory.Record, string, string)) *Finding {
	objects, ok := num(r, "object_count")
	if !ok {
		skip(r, EmptyBucket, "no data: no object count (S3 storage metrics are daily; new buckets have none)")
		return nil
	}
	if objects != 0 {
		return nil
	}
	created, ok := timestamp(r, "creation_date")
	if !ok {
		skip(r, EmptyBucket, "no data: creation date unknown")
		return nil
	}
	d := days(now, created)
	if d <= th.StaleResourceDays {
		return nil
	}
	return &Finding{Kind: EmptyBucket, Action: "delete", Evidence: fmt.Sprintf("empty, created %d days ago", d),
		Reason: fmt.Sprintf("empty (0 objects), created %d days ago (more than stale_resource_days %d)", d, th.StaleResourceDays)}
}

// unusedFunction: fewer than 10 invocations in 30 days. Lambda publishes
// Invocations only when a function runs, so no datapoint in the 30-day
// window means it ran zero times: for this metric the absence is the
// measurement, unlike a running instance without CPU data (which
// CloudWatch always has). A function changed within the window may be new;
// the caveat says so rather than hiding it.
func unusedFunction(r inventory.Record, now time.Time) *Finding {
	caveats := []string{"it is not a rarely run job (monthly, yearly) or a disaster-recovery hook"}
	if mod, ok := timestamp(r, "last_modified"); ok && now.Sub(mod) < functionWindow {
		caveats = append(caveats, fmt.Sprintf("changed %d days ago: if it is new it may not have been used yet", days(now, mod)))
	}
	inv, ok := num(r, "invocations_30d")
	if !ok {
		return &Finding{Kind: UnusedFunction, Action: "delete", Evidence: "0 invocations in 30 days",
			Reason:  "no invocations in 30 days (no Invocations datapoint: Lambda publishes one only when invoked)",
			Caveats: caveats}
	}
	if inv >= MinInvocations30d {
		return nil
	}
	return &Finding{Kind: UnusedFunction, Action: "delete", Evidence: fmt.Sprintf("%.0f invocations in 30 days", inv),
		Reason:  fmt.Sprintf("%.0f invocations in 30 days (fewer than %d)", inv, MinInvocations30d),
		Caveats: caveats}
}

func intAttr(r inventory.Record, key string) int {
	f, _ := num(r, key)
	return int(f)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
