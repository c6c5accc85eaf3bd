package pipeline_test

import (
	"context"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
)

// BenchmarkCollectOrganization collects a synthetic organization of 200
// accounts × 4 regions with AWS-like token buckets and 20 ms per call, and
// reports the run against its lower bound (DESIGN §7), the largest of:
//   - aws_bound_s: per (account, region, API class) bucket,
//     max(0, (calls − burst) / refill rate), the max over buckets;
//   - chain_bound_s: the longest serial chain: AssumeRole, DescribeRegions,
//     then the most calls one (account, region, API class) made, × latency
//     (pages of one listing come one after another);
//   - cpu_bound_s: the CPU the process spent ÷ the cores it may use — the
//     collector's own side on this machine.
//
// Set INVENTORY_BENCH_SPEC to change the organization (fakeorg.ParseSpec
// keys) and INVENTORY_BENCH_CONCURRENCY the items in flight.
func BenchmarkCollectOrganization(b *testing.B) {
	spec := "accounts=200,regions=4,latency=20ms,throttle=on,denied=0,suspended=0,optout=0,seed=11"
	if s := os.Getenv("INVENTORY_BENCH_SPEC"); s != "" {
		spec = s
	}
	concurrency := 200
	if s := os.Getenv("INVENTORY_BENCH_CONCURRENCY"); s != "" {
		concurrency, _ = strconv.Atoi(s)
	}
	sp, err := fakeorg.ParseSpec(spec)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	for range b.N {
		h := newHarness(b, sp)
		cpu0 := cpuTime()
		start := time.Now()
		b.StartTimer()
		sum, err := (&pipeline.Runner{Env: h.env, Concurrency: concurrency}).Run(context.Background(), pipeline.PlanInput{})
		b.StopTimer()
		wall := time.Since(start).Seconds()
		cpu := (cpuTime() - cpu0).Seconds()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Items.Failed+sum.Items.Partial > 0 {
			b.Fatalf("items failed: %+v", sum.Failed[0])
		}
		st := h.org.Stats()
		awsBound, awsClass, chainCalls := 0.0, "", int64(0)
		for k, n := range st.Buckets {
			if lim, ok := fakeorg.Limits[k.Class]; ok {
				if d := float64(n-int64(lim.Burst)) / lim.Rate; d > awsBound {
					awsBound, awsClass = d, k.Class
				}
			}
			if k.Class != "STS" && n > chainCalls {
				chainCalls = n
			}
		}
		chainBound := float64(chainCalls+2) * sp.Latency.Seconds()
		cpuBound := cpu / float64(runtime.GOMAXPROCS(0))
		bound := math.Max(awsBound, math.Max(chainBound, cpuBound))
		binding := "cpu"
		switch bound {
		case awsBound:
			binding = "aws rate limits (" + awsClass + ")"
		case chainBound:
			binding = "serial chain"
		}
		b.ReportMetric(wall, "wall_s")
		b.ReportMetric(float64(sum.Collected)/wall, "resources/s")
		b.ReportMetric(float64(sum.Collected), "resources")
		b.ReportMetric(float64(st.Calls), "api_calls")
		b.ReportMetric(float64(st.Throttled), "throttled")
		b.ReportMetric(awsBound, "aws_bound_s")
		b.ReportMetric(chainBound, "chain_bound_s")
		b.ReportMetric(cpuBound, "cpu_bound_s")
		b.ReportMetric(wall/bound, "x_bound")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak_rss_MB")
		b.Logf("%d items, %d resources in %.2fs; bound %.2fs (%s; AWS bucket term from %s); %d calls, %d throttled; peak RSS %d MB",
			sum.Items.Total, sum.Collected, wall, bound, binding, awsClass, st.Calls, st.Throttled, peakRSS()>>20)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the process's high-water resident memory (VmHWM), in bytes.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
