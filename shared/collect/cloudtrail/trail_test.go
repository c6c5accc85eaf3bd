package cloudtrail

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsct "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func testSpec() fakeorg.Spec {
	sp := collecttest.Spec()
	sp.Accounts = 40
	return sp
}

func homeTarget(o *fakeorg.Org, a *fakeorg.Account) collect.Target {
	return collecttest.Target(o, a, a.Regions[0].Name)
}

var denied = &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User is not authorized to perform this action"}

// clients are the collector's clients with calls counted per region.
type clients struct {
	t        collect.Target
	mu       sync.Mutex
	describe map[string]int
	deny     map[string]bool
}

func newClients(t collect.Target) *clients {
	return &clients{t: t, describe: map[string]int{}, deny: map[string]bool{}}
}

func (c *clients) list() ListAPI { return listing{awsct.NewFromConfig(c.t.AWS), c} }

func (c *clients) in(region string) DescribeAPI {
	return describing{awsct.NewFromConfig(c.t.AWS, func(o *awsct.Options) { o.Region = region }), c, region}
}

type listing struct {
	ListAPI
	c *clients
}

func (l listing) ListTrails(ctx context.Context, in *awsct.ListTrailsInput, opt ...func(*awsct.Options)) (*awsct.ListTrailsOutput, error) {
	l.c.mu.Lock()
	l.c.describe["ListTrails"]++
	l.c.mu.Unlock()
	if l.c.deny["ListTrails"] {
		return nil, denied
	}
	return l.ListAPI.ListTrails(ctx, in, opt...)
}

type describing struct {
	DescribeAPI
	c      *clients
	region string
}

func (d describing) DescribeTrails(ctx context.Context, in *awsct.DescribeTrailsInput, opt ...func(*awsct.Options)) (*awsct.DescribeTrailsOutput, error) {
	d.c.mu.Lock()
	d.c.describe[d.region]++
	d.c.mu.Unlock()
	if d.c.deny["DescribeTrails"] {
		return nil, denied
	}
	return d.DescribeAPI.DescribeTrails(ctx, in, opt...)
}

func (d describing) GetTrailStatus(ctx context.Context, in *awsct.GetTrailStatusInput, opt ...func(*awsct.Options)) (*awsct.GetTrailStatusOutput, error) {
	if d.c.deny["GetTrailStatus"] {
		return nil, denied
	}
	return d.DescribeAPI.GetTrailStatus(ctx, in, opt...)
}

func TestTrailsMatchGroundTruthInEveryAccount(t *testing.T) {
	o := fakeorg.New(testSpec())
	seen := map[string]bool{}
	n := 0
	for _, a := range collecttest.Accounts(o) {
		got := collecttest.Collect(t, Trails(), homeTarget(o, a))
		collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", trailType))
		n += len(got)
		seen["account without trails"] = seen["account without trails"] || len(got) == 0
		seen["two trails"] = seen["two trails"] || len(got) == 2
		for _, r := range got {
			at := r.Attributes
			seen["homed outside the home region"] = seen["homed outside the home region"] || r.Region != a.Regions[0].Name
			seen["multi-region"] = seen["multi-region"] || at["multi_region"] == true
			seen["single-region"] = seen["single-region"] || at["multi_region"] == false
			seen["not logging"] = seen["not logging"] || at["logging"] == false
			seen["no validation"] = seen["no validation"] || at["log_file_validation"] == false
			seen["kms"] = seen["kms"] || at["kms_key_id"] != nil
			seen["cloudwatch logs"] = seen["cloudwatch logs"] || at["cloudwatch_logs_log_group_arn"] != nil
		}
	}
	for _, want := range []string{"account without trails", "two trails", "homed outside the home region", "multi-region", "single-region",
		"not logging", "no validation", "kms", "cloudwatch logs"} {
		if !seen[want] {
			t.Errorf("no %s in %d trails: the comparison does not cover it", want, n)
		}
	}
}

// TestTrailsAreDescribedInTheirHomeRegions: a trail homed in another region
// than the one the collector runs from is described there, once per home
// region, and ListTrails pages.
func TestTrailsAreDescribedInTheirHomeRegions(t *testing.T) {
	o := fakeorg.New(testSpec())
	for _, a := range o.Reachable() {
		homes := map[string]bool{}
		for _, tr := range a.Trails {
			homes[tr.HomeRegion] = true
		}
		elsewhere := len(homes) > 1 || !homes[a.Regions[0].Name]
		if len(a.Trails) < 2 || !elsewhere {
			continue
		}
		tg := homeTarget(o, a)
		c := newClients(tg)
		got := collecttest.Emitted(t, func(emit collect.Emit) error { return collectTrails(context.Background(), tg, c.list(), c.in, emit) })
		collecttest.AssertRecords(t, got, o.ExpectedFor(a.ID, "", trailType))
		if c.describe["ListTrails"] < 2 {
			t.Errorf("ListTrails pages = %d, want one per trail", c.describe["ListTrails"])
		}
		for r := range homes {
			if c.describe[r] != 1 {
				t.Errorf("DescribeTrails in %s: %d calls, want 1", r, c.describe[r])
			}
		}
		if !homes[a.Regions[0].Name] && c.describe[a.Regions[0].Name] != 0 {
			t.Errorf("DescribeTrails in the home region %s, which homes no trail", a.Regions[0].Name)
		}
		return
	}
	t.Fatal("no account with two trails, one homed outside its home region")
}

func TestTrailStatusDeniedIsUnreadable(t *testing.T) {
	o := fakeorg.New(testSpec())
	for _, a := range o.Reachable() {
		if len(a.Trails) == 0 {
			continue
		}
		tg := homeTarget(o, a)
		c := newClients(tg)
		c.deny["GetTrailStatus"] = true
		got := collecttest.Emitted(t, func(emit collect.Emit) error { return collectTrails(context.Background(), tg, c.list(), c.in, emit) })
		want := o.ExpectedFor(a.ID, "", trailType)
		for _, r := range want {
			delete(r.Attributes, "logging")
			r.Attributes["unreadable"] = []string{"GetTrailStatus"}
		}
		collecttest.AssertRecords(t, got, want)
		return
	}
	t.Fatal("no account with a trail")
}

func TestTrailListingDeniedFailsTheCollection(t *testing.T) {
	o := fakeorg.New(testSpec())
	var a *fakeorg.Account
	for _, x := range o.Reachable() {
		if len(x.Trails) > 0 && a == nil {
			a = x
		}
	}
	for _, op := range []string{"ListTrails", "DescribeTrails"} {
		tg := homeTarget(o, a)
		c := newClients(tg)
		c.deny[op] = true
		err := collectTrails(context.Background(), tg, c.list(), c.in, func(inventory.Record) error { t.Fatal("a record was emitted"); return nil })
		if !errors.Is(err, denied) {
			t.Errorf("%s denied: err = %v", op, err)
		}
	}
}

// orgTrailList lists an organization trail of the management account, as
// ListTrails does in a member account.
type orgTrailList struct{}

func (orgTrailList) ListTrails(context.Context, *awsct.ListTrailsInput, ...func(*awsct.Options)) (*awsct.ListTrailsOutput, error) {
	return &awsct.ListTrailsOutput{Trails: []cttypes.TrailInfo{{Name: aws.String("org"), HomeRegion: aws.String("us-east-1"),
		TrailARN: aws.String("arn:aws:cloudtrail:us-east-1:999999999999:trail/org")}}}, nil
}

func TestOrganizationTrailsOfAnotherAccountAreLeftOut(t *testing.T) {
	tg := collect.Target{AccountID: "123456789012", Region: "us-east-1"}
	got := collecttest.Emitted(t, func(emit collect.Emit) error {
		return collectTrails(context.Background(), tg, orgTrailList{}, func(string) DescribeAPI { t.Fatal("described"); return nil }, emit)
	})
	if len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

func TestTrailsCallOnlyTheActionsTheyDeclare(t *testing.T) {
	o := fakeorg.New(testSpec())
	for _, a := range o.Reachable()[:10] {
		collecttest.Collect(t, Trails(), homeTarget(o, a))
	}
	collecttest.AssertActions(t, collecttest.ActionsCalled(o, ActionFor), Trails().Actions)
}

func TestCollectorShape(t *testing.T) {
	c := Trails()
	if c.Type != "cloudtrail_trail" || c.Scope != collect.Global || c.Service != "CloudTrail" {
		t.Fatalf("collector = %s %v %s", c.Type, c.Scope, c.Service)
	}
}
