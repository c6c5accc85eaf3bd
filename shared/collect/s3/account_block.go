package s3

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// accountBlockType is the resource type of the account-level S3 Block
// Public Access settings (to become an inventory constant).
const accountBlockType = inventory.S3AccountPublicAccessBlock

// accountBlockAPI is the S3 Control call the account block collector makes.
type accountBlockAPI interface {
	GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

// AccountPublicAccessBlock records the account's S3 Block Public Access
// settings, which apply to every bucket and access point of the account
// whatever the bucket's own: one record per account, in the global region,
// named by the account ID.
func AccountPublicAccessBlock() collect.Collector {
	return collect.Collector{
		Type: accountBlockType, Service: s3control.ServiceID, Scope: collect.Global,
		Actions: []string{"s3:GetAccountPublicAccessBlock"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectAccountBlock(ctx, t, controlClient(t.AWS), emit)
		},
	}
}

// controlClient builds the S3 Control client. S3 Control addresses the
// account in the host name ({account}.s3-control.{region}.amazonaws.com);
// with a custom endpoint (AWS_ENDPOINT_URL[_S3_CONTROL], a local stand-in)
// that name rarely resolves, so the endpoint is used as given, as S3 bucket
// calls use path style there: the account also travels in the
// x-amz-account-id header.
func controlClient(cfg aws.Config) *s3control.Client {
	return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		if o.BaseEndpoint != nil {
			o.EndpointResolverV2 = accountNotInHost{s3control.NewDefaultEndpointResolverV2()}
		}
	})
}

// accountNotInHost drops the account label the endpoint rules put in front
// of a custom endpoint's host.
type accountNotInHost struct{ s3control.EndpointResolverV2 }

func (r accountNotInHost) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.EndpointResolverV2.ResolveEndpoint(ctx, p)
	if err == nil && p.Endpoint != nil && p.AccountId != nil {
		ep.URI.Host = strings.TrimPrefix(ep.URI.Host, *p.AccountId+".")
	}
	return ep, err
}

// collectAccountBlock reads the settings. An account that never configured
// them (NoSuchPublicAccessBlockConfiguration) has all four off; a denied
// read records the account with the call named in unreadable and the
// settings left out (unknown).
func collectAccountBlock(ctx context.Context, t collect.Target, api accountBlockAPI, emit collect.Emit) error {
	attrs := map[string]any{}
	out, err := api.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(t.AccountID)})
	switch code := errorCode(err); {
	case err == nil:
		c := out.PublicAccessBlockConfiguration
		attrs["configured"] = c != nil
		if c != nil {
			attrs["block_public_acls"] = aws.ToBool(c.BlockPublicAcls)
			attrs["ignore_public_acls"] = aws.ToBool(c.IgnorePublicAcls)
			attrs["block_public_policy"] = aws.ToBool(c.BlockPublicPolicy)
			attrs["restrict_public_buckets"] = aws.ToBool(c.RestrictPublicBuckets)
		} else {
			accountBlockOff(attrs)
		}
	case code == "NoSuchPublicAccessBlockConfiguration":
		attrs["configured"] = false
		accountBlockOff(attrs)
	case code == "AccessDenied" || code == "AccessDeniedException":
		attrs["unreadable"] = []string{"GetPublicAccessBlock"}
	default:
		return fmt.Errorf("s3control GetPublicAccessBlock in account %s: %w", t.AccountID, err)
	}
	rec := t.Record(accountBlockType, t.AccountID, "", nil, attrs)
	rec.Region = inventory.GlobalRegion
	return emit(rec)
}

func accountBlockOff(attrs map[string]any) {
	for _, k := range []string{"block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"} {
		attrs[k] = false
	}
}
