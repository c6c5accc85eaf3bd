package fakeorg

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func s3Handlers() map[string]handler {
	return map[string]handler{
		"S3.ListBuckets":                     s3ListBuckets,
		"S3.GetBucketLocation":               s3GetBucketLocation,
		"S3.GetBucketEncryption":             s3GetBucketEncryption,
		"S3.GetPublicAccessBlock":            s3GetPublicAccessBlock,
		"S3.GetBucketPolicyStatus":           s3GetBucketPolicyStatus,
		"S3.GetBucketVersioning":             s3GetBucketVersioning,
		"S3.GetBucketLifecycleConfiguration": s3GetBucketLifecycleConfiguration,
		"S3.GetBucketLogging":                s3GetBucketLogging,
		"S3.GetBucketTagging":                s3GetBucketTagging,
	}
}

// s3Error carries S3's error code and HTTP status, as the SDK reports them.
func s3Error(status int, code, msg string) error {
	return &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: http.Header{}}},
			Err:      apiError(code, msg),
		},
		RequestID: "FAKE" + strings.ToUpper(code[:min(8, len(code))]),
	}
}

// s3ListBuckets lists the caller's buckets sorted by name. As in S3, a
// request without any parameter returns every bucket on one page and no
// BucketRegion; with MaxBuckets, BucketRegion, Prefix or ContinuationToken it
// pages (default page 10,000) and each bucket carries its BucketRegion.
func s3ListBuckets(o *Org, c *Call) (any, error) {
	a, _, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*s3.ListBucketsInput)
	paged := in.MaxBuckets != nil || in.BucketRegion != nil || in.Prefix != nil || in.ContinuationToken != nil
	if in.MaxBuckets != nil && (*in.MaxBuckets < 1 || *in.MaxBuckets > 10000) {
		return nil, s3Error(400, "InvalidArgument", "max-buckets must be between 1 and 10000")
	}
	if r := aws.ToString(in.BucketRegion); r != "" && r != c.Region {
		return nil, s3Error(400, "InvalidArgument", fmt.Sprintf("bucket-region %s must match the endpoint region %s", r, c.Region))
	}
	var all []s3types.Bucket
	for _, b := range a.bucketsByName() {
		if !strings.HasPrefix(b.Name, aws.ToString(in.Prefix)) || (in.BucketRegion != nil && b.Region != *in.BucketRegion) {
			continue
		}
		sb := s3types.Bucket{Name: aws.String(b.Name), CreationDate: aws.Time(b.Created)}
		if paged {
			sb.BucketRegion = aws.String(b.Region)
		}
		all = append(all, sb)
	}
	out := &s3.ListBucketsOutput{
		Owner:  &s3types.Owner{ID: aws.String(s3CanonicalID(a.ID))},
		Prefix: in.Prefix,
	}
	if !paged {
		out.Buckets = all
		return out, nil
	}
	items, next, err := page(all, in.ContinuationToken, in.MaxBuckets, 10000)
	if err != nil {
		return nil, s3Error(400, "InvalidArgument", "The continuation token provided is incorrect")
	}
	out.Buckets, out.ContinuationToken = items, next
	return out, nil
}

func s3CanonicalID(accountID string) string {
	return strings.Repeat(fmt.Sprintf("%x", accountID), 3)[:64]
}

// s3GetBucketLocation answers from any region, as S3 does: it is how
// clients discover a bucket's region.
func s3GetBucketLocation(o *Org, c *Call) (any, error) {
	in := c.Input.(*s3.GetBucketLocationInput)
	b, err := o.s3Bucket(c, aws.ToString(in.Bucket), false)
	if err != nil {
		return nil, err
	}
	switch {
	case b.LegacyEU:
		return &s3.GetBucketLocationOutput{LocationConstraint: s3types.BucketLocationConstraintEu}, nil
	case b.Region == "us-east-1":
		return &s3.GetBucketLocationOutput{}, nil
	}
	return &s3.GetBucketLocationOutput{LocationConstraint: s3types.BucketLocationConstraint(b.Region)}, nil
}

// s3Bucket finds the caller's bucket and applies S3's checks for a bucket
// call: unknown bucket, another account's bucket, a request to another
// region's endpoint (301 PermanentRedirect) and the bucket policy's denials.
func (o *Org) s3Bucket(c *Call, name string, inRegion bool) (*Bucket, error) {
	a, _, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	var b *Bucket
	for _, x := range a.Buckets {
		if x.Name == name {
			b = x
			break
		}
	}
	if b == nil {
		for _, other := range o.Accounts {
			for _, x := range other.Buckets {
				if x.Name == name {
					return nil, s3Error(403, "AccessDenied", "Access Denied")
				}
			}
		}
		return nil, s3Error(404, "NoSuchBucket", "The specified bucket does not exist")
	}
	if inRegion && c.Region != b.Region {
		return nil, s3Error(301, "PermanentRedirect",
			"The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.")
	}
	if b.Denied[c.Operation] {
		return nil, s3Error(403, "AccessDenied", "Access Denied")
	}
	return b, nil
}

func s3GetBucketEncryption(o *Org, c *Call) (any, error) {
	b, err := o.s3Bucket(c, aws.ToString(c.Input.(*s3.GetBucketEncryptionInput).Bucket), true)
	if err != nil {
		return nil, err
	}
	if b.Encryption == "" {
		return nil, s3Error(404, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
	}
	def := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(b.Encryption)}
	if b.KMSKeyID != "" {
		def.KMSMasterKeyID = aws.String(b.KMSKeyID)
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: def, BucketKeyEnabled: aws.Bool(b.BucketKey)}},
	}}, nil
}

func s3GetPublicAccessBlock(o *Org, c *Call) (any, error) {
	b, err := o.s3Bucket(c, aws.ToString(c.Input.(*s3.GetPublicAccessBlockInput).Bucket), true)
	if err != nil {
		return nil, err
	}
	p := b.PublicAccessBlock
	if p == nil {
		return nil, s3Error(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(p.BlockPublicAcls), IgnorePublicAcls: aws.Bool(p.IgnorePublicAcls),
		BlockPublicPolicy: aws.Bool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(p.RestrictPublicBuckets),
	}}, nil
}

func s3GetBucketPolicyStatus(o *Org, c *Call) (any, error) {
	b, err := o.s3Bucket(c, aws.ToString(c.Input.(*s3.GetBucketPolicyStatusInput).Bucket), true)
	if err != nil {
		return nil, err
	}
	if !b.HasPolicy {
		return nil, s3Error(404, "NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: aws.Bool(b.PolicyPublic)}}, nil
}

// s3GetBucketVersioning answers an empty status for a bucket whose
// versioning was never set, and MFADelete only once versioning was.
func s3GetBucketVersioning(o *Org, c *Call) (any, error) {
	b, err := o.s3Bucket(c, aws.ToString(c.Input.(*s3.GetBucketVersioningInput).Bucket), true)
	if err != nil {
		return nil, err
	}
	out := &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatus(b.Versioning)}
	if b.Versioning != "" {
		out.MFADelete = s3types.MFADeleteStatusDisabled
		if b.MFADelete {
			out.MFADelete = s3types.MFADeleteStatusEnabled
		}
	}
	return out, nil
}

func s3GetBucketLifecycleConfiguration(o *Org, c *Call) (any, error) {
	b, err := o.s3Bucket(c, aws.ToString(c.Input.(*s3.GetBucketLifecycleConfigurationInput).Bucket), true)
	if err != nil {
		return nil, err
	}
	if b.LifecycleRules == 0 {
		return nil, s3Error(404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
	}
	rules := make([]s3types.LifecycleRule, b.LifecycleRules)
	for i := range rules {
		rules[i] = s3types.LifecycleRule{ID: aws.String(s3LifecycleRuleIDs[i%len(s3LifecycleRuleIDs)]), Status: s3types.ExpirationStatusEnabled}
		switch i {
		case 0:
			rules[i].Transitions = []s3types.Transition{{Days: aws.Int32(30), StorageClass: s3types.TransitionStorageClassStandardIa}}
		case 1:
			rules[i].NoncurrentVersionExpiration = &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(90)}
		case 2:
			rules[i].AbortIncompleteMultipartUpload = &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)}
		default:
			rules[i].Expiration = &s3types.LifecycleExpiration{Days: aws.Int32(365)}
		}
	}
	return &s3.GetBucketLifecycleConfigurationOutput{Rules: rules, TransitionDefaultMinimumObjectSize: s3types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k}, nil
}

var s3LifecycleRuleIDs = []string{"transition-to-ia", "expire-noncurrent-versions", "abort-incomplete-mpu", "expire-after-1y"}

func s3GetBucketLogging(o *Org, c *Call) (any, error) {
	b, err := o.s3Bucket(c, aws.ToString(c.Input.(*s3.GetBucketLoggingInput).Bucket), true)
	if err != nil {
		return nil, err
	}
	out := &s3.GetBucketLoggingOutput{}
	if b.LoggingTarget != "" {
		out.LoggingEnabled = &s3types.LoggingEnabled{TargetBucket: aws.String(b.LoggingTarget), TargetPrefix: aws.String(b.Name + "/")}
	}
	return out, nil
}

func s3GetBucketTagging(o *Org, c *Call) (any, error) {
	b, err := o.s3Bucket(c, aws.ToString(c.Input.(*s3.GetBucketTaggingInput).Bucket), true)
	if err != nil {
		return nil, err
	}
	if len(b.Tags) == 0 {
		return nil, s3Error(404, "NoSuchTagSet", "The TagSet does not exist")
	}
	out := &s3.GetBucketTaggingOutput{}
	for k, v := range b.Tags {
		out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out, nil
}
