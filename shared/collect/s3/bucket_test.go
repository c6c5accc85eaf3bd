package s3

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func testSpec() fakeorg.Spec {
	sp := collecttest.Spec()
	sp.Accounts = 16
	return sp
}

// homeTarget is the account's home region, where the pipeline runs S3.
func homeTarget(o *fakeorg.Org, a *fakeorg.Account) collect.Target {
	return collecttest.Target(o, a, a.Regions[0].Name)
}

func TestBucketsMatchGroundTruthInEveryAccount(t *testing.T) {
	o := fakeorg.New(testSpec())
	var all []inventory.Record
	for _, a := range o.Reachable() {
		tg := homeTarget(o, a)
		got := collecttest.Collect(t, Buckets(), tg)
		collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", inventory.S3Bucket))
		all = append(all, got...)
	}
	// The organization exercises every case the collector must handle.
	seen := map[string]bool{}
	for _, r := range all {
		a := r.Attributes
		seen["region "+r.Region] = true
		seen["encryption "+a["encryption"].(string)] = true
		seen["unreadable"] = seen["unreadable"] || a["unreadable"] != nil
		seen["no metrics"] = seen["no metrics"] || a["size_bytes"] == nil
		seen["empty"] = seen["empty"] || a["object_count"] == 0.0
		seen["public policy"] = seen["public policy"] || a["policy_is_public"] == true
		seen["no public access block"] = seen["no public access block"] || a["public_access_block_configured"] == false
		seen["department from tag"] = seen["department from tag"] || r.Tags()["Department"] != ""
		seen["department from account"] = seen["department from account"] || (r.Tags()["Department"] == "" && r.Department == r.AccountName)
	}
	for _, want := range []string{"region us-east-1", "region eu-west-1", "region us-west-2", "encryption AES256", "encryption aws:kms",
		"encryption none", "unreadable", "no metrics", "empty", "public policy", "no public access block",
		"department from tag", "department from account"} {
		if !seen[want] {
			t.Errorf("no bucket with %s in %d records", want, len(all))
		}
	}
}

func TestBucketCallsToAnotherRegionAreRedirected(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	var b *fakeorg.Bucket
	for _, x := range a.Buckets {
		if x.Region != a.Regions[0].Name {
			b = x
			break
		}
	}
	client := awss3.NewFromConfig(o.MemberConfig(a.ID, a.Regions[0].Name))
	_, err := client.GetBucketVersioning(context.Background(), &awss3.GetBucketVersioningInput{Bucket: aws.String(b.Name)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "PermanentRedirect" {
		t.Fatalf("GetBucketVersioning of a %s bucket from %s: err = %v, want PermanentRedirect", b.Region, a.Regions[0].Name, err)
	}
}

// countingList counts ListBuckets pages and can hide BucketRegion.
type countingList struct {
	listAPI
	pages atomic.Int64
}

func (c *countingList) ListBuckets(ctx context.Context, in *awss3.ListBucketsInput, optFns ...func(*awss3.Options)) (*awss3.ListBucketsOutput, error) {
	c.pages.Add(1)
	return c.listAPI.ListBuckets(ctx, in, optFns...)
}

func TestBucketsArePagedAndRegionsFoundWithoutBucketRegion(t *testing.T) {
	for _, tc := range []struct {
		name       string
		maxBuckets int32
		minPages   int64
	}{
		// S3 answers BucketRegion only to a request with a parameter, so
		// without MaxBuckets every region comes from GetBucketLocation.
		{"one page without MaxBuckets, regions from GetBucketLocation", 0, 1},
		{"pages of 4 with BucketRegion", 4, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := testSpec()
			sp.Accounts = 30
			o := fakeorg.New(sp)
			var a *fakeorg.Account // one with a bucket created as "EU"
			for _, x := range o.Reachable() {
				for _, b := range x.Buckets {
					if b.LegacyEU && a == nil {
						a = x
					}
				}
			}
			if a == nil {
				t.Fatal("no account with a legacy EU bucket")
			}
			tg := homeTarget(o, a)
			home, configFor, metricsFor := clients(tg)
			list := &countingList{listAPI: home}
			got := collecttest.Emitted(t, func(emit collect.Emit) error {
				return collectBuckets(context.Background(), tg, list, configFor, metricsFor, sp.Now, tc.maxBuckets, emit)
			})
			collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", inventory.S3Bucket))
			if n := list.pages.Load(); n < tc.minPages || (tc.maxBuckets == 0 && n != 1) {
				t.Errorf("ListBuckets pages = %d, want >= %d", n, tc.minPages)
			}
			located := false
			for _, op := range o.Operations() {
				located = located || op == "S3.GetBucketLocation"
			}
			if located != (tc.maxBuckets == 0) {
				t.Errorf("GetBucketLocation called = %v, want %v", located, tc.maxBuckets == 0)
			}
		})
	}
}

func TestBucketsSurviveThrottling(t *testing.T) {
	sp := testSpec()
	sp.Throttle = true
	sp.Scale = 30 // ~90 buckets a region: 630 calls against a burst of 200 and 100/s
	o := fakeorg.New(sp)
	start := time.Now()
	defer func() {
		t.Logf("%d calls, %d throttled in %v", o.Stats().Calls, o.Stats().Throttled, time.Since(start))
	}()
	a := o.Reachable()[0]
	tg := homeTarget(o, a)
	tg.AWS.RetryMaxAttempts = 10
	got := collecttest.Collect(t, Buckets(), tg)
	collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", inventory.S3Bucket))
	if o.Stats().Throttled == 0 {
		t.Error("no call was throttled; the test does not prove retries")
	}
}

func TestEveryCalledOperationIsADeclaredAction(t *testing.T) {
	o := fakeorg.New(testSpec())
	a := o.Reachable()[0]
	tg := homeTarget(o, a)
	collecttest.Collect(t, Buckets(), tg)
	home, configFor, metricsFor := clients(tg)
	collecttest.Emitted(t, func(emit collect.Emit) error {
		return collectBuckets(context.Background(), tg, home, configFor, metricsFor, o.Spec.Now, 0, emit)
	})
	collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), Buckets().Actions)
}

func TestCollectorShape(t *testing.T) {
	c := Buckets()
	if c.Type != inventory.S3Bucket || c.Scope != collect.Global || c.Service != "S3" {
		t.Fatalf("collector = %s %v %s", c.Type, c.Scope, c.Service)
	}
}

type failingList struct{ listAPI }

var errListDenied = errors.New("AccessDenied: not authorized to perform s3:ListAllMyBuckets")

func (failingList) ListBuckets(context.Context, *awss3.ListBucketsInput, ...func(*awss3.Options)) (*awss3.ListBucketsOutput, error) {
	return nil, errListDenied
}

func TestListBucketsFailureFailsTheCollector(t *testing.T) {
	o := fakeorg.New(testSpec())
	tg := homeTarget(o, o.Reachable()[0])
	_, configFor, metricsFor := clients(tg)
	err := collectBuckets(context.Background(), tg, failingList{}, configFor, metricsFor, o.Spec.Now, pageSize,
		func(inventory.Record) error { t.Fatal("a record was emitted"); return nil })
	if !errors.Is(err, errListDenied) {
		t.Fatalf("err = %v, want the ListBuckets error wrapped", err)
	}
}
