package guardduty

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsgd "github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/cloudinv/aws-inventory/shared/collect"
)

// DetectorAPI is the GuardDuty calls Detectors makes.
type DetectorAPI interface {
	awsgd.ListDetectorsAPIClient
	GetDetector(ctx context.Context, in *awsgd.GetDetectorInput, optFns ...func(*awsgd.Options)) (*awsgd.GetDetectorOutput, error)
}

// noDetector is the resource_id of the record for a region without one.
const noDetector = "none"

// Detectors collects one guardduty_detector record per account region: the
// region's detector (resource_id = detector ID; enabled when its status is
// ENABLED, a suspended one is DISABLED), or a record "none" with enabled
// false where GuardDuty was never turned on, or where the account is not
// subscribed to it (SubscriptionRequiredException). A region that is not
// opted in fails with OptInRequired like every collector, which the
// pipeline reports as skipped.
//
// A failed ListDetectors fails the region; a detector that cannot be read
// (GetDetector denied) is recorded with "unreadable": ["GetDetector"] and
// no "enabled", so a check says unknown.
func Detectors() collect.Collector {
	return collect.Collector{
		Type: detectorType, Service: service, Scope: collect.Regional,
		Actions: []string{"guardduty:GetDetector", "guardduty:ListDetectors"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectDetectors(ctx, t, awsgd.NewFromConfig(t.AWS), emit)
		},
	}
}

func collectDetectors(ctx context.Context, t collect.Target, api DetectorAPI, emit collect.Emit) error {
	var ids []string
	p := awsgd.NewListDetectorsPaginator(api, &awsgd.ListDetectorsInput{MaxResults: aws.Int32(50)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if errorCode(err) == "SubscriptionRequiredException" {
				ids = nil
				break
			}
			return failed(t, "guardduty ListDetectors", err)
		}
		ids = append(ids, page.DetectorIds...)
	}
	if len(ids) == 0 {
		return emit(t.Record(detectorType, noDetector, "", nil, map[string]any{"enabled": false}))
	}
	for _, id := range ids {
		attrs := map[string]any{}
		var tags map[string]string
		out, err := api.GetDetector(ctx, &awsgd.GetDetectorInput{DetectorId: aws.String(id)})
		switch {
		case err == nil:
			attrs["enabled"] = out.Status == gdtypes.DetectorStatusEnabled
			if out.Status != "" {
				attrs["status"] = string(out.Status)
			}
			if out.FindingPublishingFrequency != "" {
				attrs["finding_publishing_frequency"] = string(out.FindingPublishingFrequency)
			}
			tags = out.Tags
		case ctx.Err() != nil:
			return failed(t, "guardduty GetDetector", ctx.Err())
		default:
			attrs["unreadable"] = []string{"GetDetector"}
		}
		if err := emit(t.Record(detectorType, id, arn(t, id), tags, attrs)); err != nil {
			return err
		}
	}
	return nil
}
