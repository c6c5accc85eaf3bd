package fakeorg

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// Metrics are modelled as one value per (metric, dimensions, statistic) that
// holds for any window: Average is the mean over any period, Maximum the peak,
// Sum the total over the window the collector asks for. Collectors ask for a
// single period spanning their window, so the values they read are exact and
// the ground truth can state them.

type metricKey struct {
	Account, Region, Namespace, Metric, Dims, Stat string
}

type metricStore struct {
	mu sync.RWMutex
	v  map[metricKey]float64
}

func newMetricStore() *metricStore { return &metricStore{v: map[metricKey]float64{}} }

// dimsKey renders dimensions in a canonical order.
func dimsKey(dims map[string]string) string {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s;", k, dims[k])
	}
	return b.String()
}

// SetMetric records the value CloudWatch answers for a statistic of a metric
// in an account region. Generators call it; tests may call it to change load.
func (o *Org) SetMetric(account, region, namespace, metric string, dims map[string]string, stat string, value float64) {
	o.metrics.mu.Lock()
	defer o.metrics.mu.Unlock()
	o.metrics.v[metricKey{account, region, namespace, metric, dimsKey(dims), stat}] = value
}

// Metric returns a value set with SetMetric.
func (o *Org) Metric(account, region, namespace, metric string, dims map[string]string, stat string) (float64, bool) {
	o.metrics.mu.RLock()
	defer o.metrics.mu.RUnlock()
	v, ok := o.metrics.v[metricKey{account, region, namespace, metric, dimsKey(dims), stat}]
	return v, ok
}

func cloudwatchHandlers() map[string]handler {
	return map[string]handler{"CloudWatch.GetMetricData": getMetricData}
}

func getMetricData(o *Org, c *Call) (any, error) {
	if _, _, err := o.regionOf(c); err != nil {
		return nil, err
	}
	in := c.Input.(*cloudwatch.GetMetricDataInput)
	if len(in.MetricDataQueries) > 500 {
		return nil, apiError("ValidationError", "The collection MetricDataQueries must not have a size greater than 500.")
	}
	if in.StartTime == nil || in.EndTime == nil || !in.StartTime.Before(*in.EndTime) {
		return nil, apiError("ValidationError", "StartTime must be before EndTime")
	}
	// One page answers every query: each has at most one datapoint per
	// period and collectors ask for few periods.
	if aws.ToString(in.NextToken) != "" {
		return &cloudwatch.GetMetricDataOutput{}, nil
	}
	out := &cloudwatch.GetMetricDataOutput{}
	for _, q := range in.MetricDataQueries {
		if q.MetricStat == nil || q.MetricStat.Metric == nil {
			return nil, apiError("ValidationError", "only MetricStat queries are supported")
		}
		m := q.MetricStat.Metric
		dims := map[string]string{}
		for _, d := range m.Dimensions {
			dims[aws.ToString(d.Name)] = aws.ToString(d.Value)
		}
		period := time.Duration(aws.ToInt32(q.MetricStat.Period)) * time.Second
		if period <= 0 || period%time.Minute != 0 {
			return nil, apiError("ValidationError", "Period must be a positive multiple of 60")
		}
		res := cwtypes.MetricDataResult{Id: q.Id, Label: m.MetricName, StatusCode: cwtypes.StatusCodeComplete}
		if v, ok := o.Metric(c.AccountID, c.Region, aws.ToString(m.Namespace), aws.ToString(m.MetricName), dims, aws.ToString(q.MetricStat.Stat)); ok {
			// Newest first, as CloudWatch's default ScanBy TimestampDescending.
			for t := in.EndTime.Add(-period); !t.Before(*in.StartTime); t = t.Add(-period) {
				res.Timestamps = append(res.Timestamps, t)
				res.Values = append(res.Values, v)
			}
		}
		out.MetricDataResults = append(out.MetricDataResults, res)
	}
	return out, nil
}
