package fakeorg

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// generateS3Account draws the account-level S3 Block Public Access from a
// random stream of its own: on in full in most accounts (Control Tower and
// most landing zones set it), partly on in some, never configured in others,
// and now and then configured with everything off (turned off for a public
// website and never turned back on).
func (o *Org) generateS3Account(a *Account) {
	rng := o.rngFor(a.ID, "s3control", "account-public-access-block")
	switch x := rng.Float64(); {
	case x < 0.66:
		a.S3PublicAccessBlock = &BucketPublicAccessBlock{true, true, true, true}
	case x < 0.74:
		a.S3PublicAccessBlock = &BucketPublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true}
	case x < 0.80:
		a.S3PublicAccessBlock = &BucketPublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true}
	case x < 0.84:
		a.S3PublicAccessBlock = &BucketPublicAccessBlock{}
	}
}

// s3ControlHandlers answer S3 Control, whose endpoint is per account
// ({account}.s3-control.{region}.amazonaws.com).
func s3ControlHandlers() map[string]handler {
	return map[string]handler{
		"S3 Control.GetPublicAccessBlock": s3ControlGetPublicAccessBlock,
	}
}

// s3ControlGetPublicAccessBlock answers the account-level settings of the
// account named in AccountId (x-amz-account-id), which must be the caller's.
func s3ControlGetPublicAccessBlock(o *Org, c *Call) (any, error) {
	a, _, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*s3control.GetPublicAccessBlockInput)
	if aws.ToString(in.AccountId) != a.ID {
		return nil, s3Error(403, "AccessDenied", "Access Denied")
	}
	p := a.S3PublicAccessBlock
	if p == nil {
		return nil, s3Error(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(p.BlockPublicAcls), IgnorePublicAcls: aws.Bool(p.IgnorePublicAcls),
		BlockPublicPolicy: aws.Bool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(p.RestrictPublicBuckets),
	}}, nil
}

// expectedS3Account is the ground truth of the s3_account_public_access_block
// collector: one record per account, in the global region, named by the
// account ID.
func (o *Org) expectedS3Account(a *Account) []inventory.Record {
	p := BucketPublicAccessBlock{}
	if a.S3PublicAccessBlock != nil {
		p = *a.S3PublicAccessBlock
	}
	attrs := map[string]any{
		"configured":              a.S3PublicAccessBlock != nil,
		"block_public_acls":       p.BlockPublicAcls,
		"ignore_public_acls":      p.IgnorePublicAcls,
		"block_public_policy":     p.BlockPublicPolicy,
		"restrict_public_buckets": p.RestrictPublicBuckets,
	}
	return []inventory.Record{truthRecord(a, inventory.GlobalRegion, "s3_account_public_access_block", a.ID, "", nil, attrs)}
}
