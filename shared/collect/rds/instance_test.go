package rds

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
)

var metricAttrs = []string{"cpu_avg_14d", "cpu_max_14d", "connections_avg_14d", "connections_max_14d", "connections_max_7d"}

// noDatapoints answers every query with no values, as CloudWatch does for
// an instance that did not run in the window.
type noDatapoints struct{ queries int }

func (n *noDatapoints) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	n.queries += len(in.MetricDataQueries)
	return &cloudwatch.GetMetricDataOutput{}, nil
}

func TestInstanceMetricsWithoutDatapointsStayAbsent(t *testing.T) {
	o := fakeorg.New(testSpec())
	for _, a := range o.Reachable()[:4] {
		for _, region := range a.EnabledRegions() {
			tg := collecttest.Target(o, a, region)
			cw := &noDatapoints{}
			got := collecttest.Emitted(t, func(emit collect.Emit) error {
				return collectInstances(context.Background(), tg, awsrds.NewFromConfig(tg.AWS), cw, testNow, emit)
			})
			if cw.queries != len(got)*len(metricAttrs) {
				t.Errorf("%d metric queries for %d instances, want %d each", cw.queries, len(got), len(metricAttrs))
			}
			for _, r := range got {
				for _, k := range metricAttrs {
					if v, ok := r.Attributes[k]; ok {
						t.Errorf("%s: %s = %v with no datapoints, want absent", r.ResourceID, k, v)
					}
				}
			}
		}
	}
}

func TestStoppedInstancesHaveNoMetricsAndRunningOnesHaveAll(t *testing.T) {
	o := fakeorg.New(testSpec())
	var stopped, running int
	for _, a := range o.Reachable()[:4] {
		for _, region := range a.EnabledRegions() {
			for _, r := range collecttest.Collect(t, Instances(), collecttest.Target(o, a, region)) {
				for _, k := range metricAttrs {
					v, ok := r.Attributes[k]
					switch r.Attributes["state"] {
					case "stopped":
						if ok {
							t.Errorf("stopped %s has %s = %v", r.ResourceID, k, v)
						}
					case "available":
						if _, isFloat := v.(float64); !isFloat {
							t.Errorf("running %s: %s = %#v, want a float64", r.ResourceID, k, v)
						}
					}
				}
				if r.Attributes["state"] == "stopped" {
					stopped++
				} else {
					running++
				}
			}
		}
	}
	if stopped == 0 || running == 0 {
		t.Fatalf("need both stopped (%d) and running (%d) instances", stopped, running)
	}
}
