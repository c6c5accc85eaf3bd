package cloudtrail

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsct "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
)

// ListAPI is the call Trails makes from the home region.
type ListAPI interface {
	awsct.ListTrailsAPIClient
}

// DescribeAPI is the calls Trails makes in each trail's home region.
type DescribeAPI interface {
	DescribeTrails(ctx context.Context, in *awsct.DescribeTrailsInput, optFns ...func(*awsct.Options)) (*awsct.DescribeTrailsOutput, error)
	GetTrailStatus(ctx context.Context, in *awsct.GetTrailStatusInput, optFns ...func(*awsct.Options)) (*awsct.GetTrailStatusOutput, error)
}

// Trails collects the account's CloudTrail trails (cloudtrail_trail), one
// record per trail in its home region (resource_id = trail name).
//
// DescribeTrails in one region without shadow trails returns only the trails
// created there, and with shadows it adds the multi-region trails homed
// elsewhere but still misses single-region trails of other regions. So
// ListTrails (paginated, every trail of the account with its home region)
// finds the home regions, and DescribeTrails (includeShadowTrails false)
// and GetTrailStatus run in each home region, where CloudTrail answers for
// the trail by name or ARN. Organization trails owned by the management
// account are not listed in member accounts' inventories: they are the
// management account's.
//
// A failed list or describe fails the collection (no partial list); a
// trail whose status cannot be read is recorded without "logging" and with
// "unreadable": ["GetTrailStatus"].
func Trails() collect.Collector {
	return collect.Collector{
		Type: trailType, Service: service, Scope: collect.Global,
		Actions: []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:ListTrails"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			in := func(region string) DescribeAPI {
				return awsct.NewFromConfig(t.AWS, func(o *awsct.Options) { o.Region = region })
			}
			return collectTrails(ctx, t, awsct.NewFromConfig(t.AWS), in, emit)
		},
	}
}

func collectTrails(ctx context.Context, t collect.Target, list ListAPI, in func(region string) DescribeAPI, emit collect.Emit) error {
	homes := map[string]bool{}
	p := awsct.NewListTrailsPaginator(list, &awsct.ListTrailsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return failed(t, "cloudtrail ListTrails", t.Region, err)
		}
		for _, ti := range page.Trails {
			if owner := arnAccount(aws.ToString(ti.TrailARN)); owner != "" && owner != t.AccountID {
				continue // another account's (organization) trail
			}
			if r := aws.ToString(ti.HomeRegion); r != "" {
				homes[r] = true
			}
		}
	}
	regions := make([]string, 0, len(homes))
	for r := range homes {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, region := range regions {
		api := in(region)
		out, err := api.DescribeTrails(ctx, &awsct.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
		if err != nil {
			return failed(t, "cloudtrail DescribeTrails", region, err)
		}
		for _, tr := range out.TrailList {
			home := aws.ToString(tr.HomeRegion)
			if home == "" {
				home = region
			}
			if home != region {
				continue // a shadow, recorded from its own home region
			}
			attrs := trailAttrs(tr, home)
			ref := tr.TrailARN
			if aws.ToString(ref) == "" {
				ref = tr.Name
			}
			st, err := api.GetTrailStatus(ctx, &awsct.GetTrailStatusInput{Name: ref})
			switch {
			case err == nil:
				attrs["logging"] = aws.ToBool(st.IsLogging)
			case ctx.Err() != nil:
				return failed(t, "cloudtrail GetTrailStatus", region, ctx.Err())
			default:
				attrs["unreadable"] = []string{"GetTrailStatus"}
			}
			rec := t.Record(trailType, aws.ToString(tr.Name), aws.ToString(tr.TrailARN), nil, attrs)
			rec.Region = home
			if err := emit(rec); err != nil {
				return err
			}
		}
	}
	return nil
}

func trailAttrs(tr cttypes.Trail, home string) map[string]any {
	a := map[string]any{
		"name":                          aws.ToString(tr.Name),
		"home_region":                   home,
		"multi_region":                  aws.ToBool(tr.IsMultiRegionTrail),
		"log_file_validation":           aws.ToBool(tr.LogFileValidationEnabled),
		"include_global_service_events": aws.ToBool(tr.IncludeGlobalServiceEvents),
		"organization_trail":            aws.ToBool(tr.IsOrganizationTrail),
	}
	set := func(k string, v *string) {
		if s := aws.ToString(v); s != "" {
			a[k] = s
		}
	}
	set("kms_key_id", tr.KmsKeyId)
	set("s3_bucket", tr.S3BucketName)
	set("cloudwatch_logs_log_group_arn", tr.CloudWatchLogsLogGroupArn)
	return a
}

// arnAccount is the account field of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
