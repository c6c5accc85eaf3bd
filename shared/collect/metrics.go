package collect

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// MetricDataAPI is the one CloudWatch call collectors make.
type MetricDataAPI interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// MetricQuery asks for one statistic of one metric. Window is the span to
// read; it is also the period, so the answer is a single value covering the
// whole window (an average over 14 days, a sum over 30), one datapoint per
// query, the cheapest read CloudWatch offers.
type MetricQuery struct {
	Key        string // the caller's name for the result, unique per Fetch
	Namespace  string
	Metric     string
	Dimensions map[string]string
	Stat       string // Average, Maximum, Sum, …
	Window     time.Duration
}

// maxQueriesPerCall is GetMetricData's limit.
const maxQueriesPerCall = 500

// FetchMetrics reads the queries in batches of at most 500 per
// GetMetricData call (with its paginator) and returns the value per Key.
// A metric with no datapoints in its window is absent from the map, which
// callers must treat as "unknown", not zero. Windows are aligned to the
// minute so the periods are valid; now is the end of every window.
func FetchMetrics(ctx context.Context, api MetricDataAPI, now time.Time, qs []MetricQuery) (map[string]float64, error) {
	out := make(map[string]float64, len(qs))
	end := now.UTC().Truncate(time.Minute)
	// Queries of one call share StartTime/EndTime, so group by window.
	byWindow := map[time.Duration][]MetricQuery{}
	for _, q := range qs {
		byWindow[q.Window] = append(byWindow[q.Window], q)
	}
	windows := make([]time.Duration, 0, len(byWindow))
	for w := range byWindow {
		windows = append(windows, w)
	}
	sort.Slice(windows, func(i, j int) bool { return windows[i] < windows[j] })
	for _, w := range windows {
		group := byWindow[w]
		for start := 0; start < len(group); start += maxQueriesPerCall {
			batch := group[start:min(start+maxQueriesPerCall, len(group))]
			if err := fetchBatch(ctx, api, end.Add(-w), end, batch, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func fetchBatch(ctx context.Context, api MetricDataAPI, start, end time.Time, batch []MetricQuery, out map[string]float64) error {
	in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(end)}
	ids := make(map[string]MetricQuery, len(batch))
	for i, q := range batch {
		id := fmt.Sprintf("q%d", i) // ids must start with a lower-case letter
		ids[id] = q
		dims := make([]cwtypes.Dimension, 0, len(q.Dimensions))
		for k, v := range q.Dimensions {
			dims = append(dims, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(v)})
		}
		sort.Slice(dims, func(i, j int) bool { return *dims[i].Name < *dims[j].Name })
		in.MetricDataQueries = append(in.MetricDataQueries, cwtypes.MetricDataQuery{
			Id: aws.String(id),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: aws.String(q.Namespace), MetricName: aws.String(q.Metric), Dimensions: dims},
				Period: aws.Int32(int32(q.Window / time.Second)),
				Stat:   aws.String(q.Stat),
			},
			ReturnData: aws.Bool(true),
		})
	}
	p := cloudwatch.NewGetMetricDataPaginator(api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("cloudwatch GetMetricData: %w", err)
		}
		for _, r := range page.MetricDataResults {
			q, ok := ids[aws.ToString(r.Id)]
			if !ok || len(r.Values) == 0 {
				continue
			}
			v := reduce(q.Stat, r.Values)
			if prev, seen := out[q.Key]; seen {
				v = reduce(q.Stat, []float64{prev, v})
			}
			out[q.Key] = v
		}
	}
	return nil
}

// reduce folds datapoints of one statistic (several only when a window
// spans more than one period or page).
func reduce(stat string, vs []float64) float64 {
	switch stat {
	case "Maximum":
		m := math.Inf(-1)
		for _, v := range vs {
			m = math.Max(m, v)
		}
		return m
	case "Minimum":
		m := math.Inf(1)
		for _, v := range vs {
			m = math.Min(m, v)
		}
		return m
	case "Sum", "SampleCount":
		s := 0.0
		for _, v := range vs {
			s += v
		}
		return s
	default:
		s := 0.0
		for _, v := range vs {
			s += v
		}
		return s / float64(len(vs))
	}
}
