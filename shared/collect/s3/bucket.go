package s3

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

const (
	// pageSize buckets per ListBuckets page: 800 metric queries and 700
	// configuration calls per page keep memory flat for accounts with
	// thousands of buckets.
	pageSize = 100
	// concurrentBuckets bounds the buckets described at once (7 calls each).
	concurrentBuckets = 8
)

// Buckets lists the account's buckets once, from its home region; each
// record carries the bucket's own region.
func Buckets() collect.Collector {
	actions := []string{"cloudwatch:GetMetricData"}
	for _, a := range s3Actions {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	return collect.Collector{
		Type: inventory.S3Bucket, Service: awss3.ServiceID, Scope: collect.Global, Actions: actions,
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			home, configFor, metricsFor := clients(t)
			return collectBuckets(ctx, t, home, configFor, metricsFor, time.Now(), pageSize, emit)
		},
	}
}

// clients builds the collector's clients from the target's config: one in
// the home region lists, and one per bucket region describes and measures.
func clients(t collect.Target) (listAPI, func(string) configAPI, func(string) collect.MetricDataAPI) {
	inRegion := func(r string) func(*awss3.Options) {
		return func(o *awss3.Options) {
			o.Region = r
			// A custom endpoint (AWS_ENDPOINT_URL[_S3], a local stand-in)
			// rarely resolves bucket.host names: address buckets by path.
			if o.BaseEndpoint != nil {
				o.UsePathStyle = true
			}
		}
	}
	home := awss3.NewFromConfig(t.AWS, inRegion(t.Region))
	configs := newPerRegion(func(r string) configAPI {
		return awss3.NewFromConfig(t.AWS, inRegion(r))
	})
	metrics := newPerRegion(func(r string) collect.MetricDataAPI {
		return cloudwatch.NewFromConfig(t.AWS, func(o *cloudwatch.Options) { o.Region = r })
	})
	return home, configs.get, metrics.get
}

// bucket is one listed bucket being described.
type bucket struct {
	name, region string
	attrs        map[string]any
	tags         map[string]string
}

// collectBuckets lists buckets page by page (maxBuckets 0 sends no
// MaxBuckets, so S3 answers no BucketRegion), describes each page's buckets
// in their regions, reads the page's metrics per region and emits the page.
func collectBuckets(ctx context.Context, t collect.Target, home listAPI, configFor func(string) configAPI,
	metricsFor func(string) collect.MetricDataAPI, now time.Time, maxBuckets int32, emit collect.Emit) error {
	in := &awss3.ListBucketsInput{}
	if maxBuckets > 0 {
		in.MaxBuckets = aws.Int32(maxBuckets)
	}
	p := awss3.NewListBucketsPaginator(home, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("s3 ListBuckets in account %s region %s: %w", t.AccountID, t.Region, err)
		}
		bs := make([]*bucket, len(page.Buckets))
		sem := make(chan struct{}, concurrentBuckets)
		var wg sync.WaitGroup
		for i, lb := range page.Buckets {
			b := &bucket{name: aws.ToString(lb.Name), attrs: map[string]any{}}
			b.attrs["name"] = b.name
			if lb.CreationDate != nil {
				b.attrs["creation_date"] = lb.CreationDate.UTC().Format(time.RFC3339)
			}
			bs[i] = b
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				describe(ctx, home, configFor, b, lb)
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("s3 buckets in account %s: %w", t.AccountID, err)
		}
		if err := addMetrics(ctx, bs, metricsFor, now); err != nil {
			return fmt.Errorf("s3 bucket metrics in account %s: %w", t.AccountID, err)
		}
		for _, b := range bs {
			rec := t.Record(inventory.S3Bucket, b.name, "arn:aws:s3:::"+b.name, b.tags, b.attrs)
			rec.Region = b.region
			if err := emit(rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// describe finds the bucket's region and reads its configuration there. A
// bucket whose region cannot be read is still recorded, under the global
// region, with GetBucketLocation unreadable.
func describe(ctx context.Context, home listAPI, configFor func(string) configAPI, b *bucket, lb s3types.Bucket) {
	b.region = aws.ToString(lb.BucketRegion)
	if b.region == "" {
		loc, err := home.GetBucketLocation(ctx, &awss3.GetBucketLocationInput{Bucket: lb.Name})
		if err != nil {
			b.region = inventory.GlobalRegion
			b.attrs["unreadable"] = []string{"GetBucketLocation"}
			return
		}
		b.region = locationRegion(loc.LocationConstraint)
	}
	b.tags = readConfig(ctx, configFor(b.region), b.name, b.attrs)
}

// locationRegion turns a LocationConstraint into a region: us-east-1
// buckets have none, and "EU" is the legacy name of eu-west-1.
func locationRegion(c s3types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case s3types.BucketLocationConstraintEu:
		return "eu-west-1"
	}
	return string(c)
}
