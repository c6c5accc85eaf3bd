package fakeorg

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// MemberConfig returns a config with the member role of an account assumed
// through the real stscreds provider, in the given region: what a collector
// gets from the pipeline. For tests of single collectors.
func (o *Org) MemberConfig(accountID, region string) aws.Config {
	base := o.Config()
	prov := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base),
		"arn:aws:iam::"+accountID+":role/"+o.Spec.MemberRole,
		func(op *stscreds.AssumeRoleOptions) {
			op.RoleSessionName = "fakeorg-test"
			if o.Spec.ExternalID != "" {
				op.ExternalID = aws.String(o.Spec.ExternalID)
			}
		})
	cfg := base.Copy()
	cfg.Region = region
	cfg.Credentials = aws.NewCredentialsCache(prov)
	return cfg
}
