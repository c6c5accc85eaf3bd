// Package s3 collects S3 buckets: listed once per account, each described by
// calls to its own region and measured by that region's CloudWatch.
package s3

import (
	"context"
	"errors"
	"strings"
	"sync"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// s3Actions maps S3 operations to their IAM actions, whose names differ
// from the operations' for most bucket reads.
var s3Actions = map[string]string{
	"ListBuckets":                     "s3:ListAllMyBuckets",
	"GetBucketLocation":               "s3:GetBucketLocation",
	"GetBucketEncryption":             "s3:GetEncryptionConfiguration",
	"GetPublicAccessBlock":            "s3:GetBucketPublicAccessBlock",
	"GetBucketPolicyStatus":           "s3:GetBucketPolicyStatus",
	"GetBucketVersioning":             "s3:GetBucketVersioning",
	"GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
	"GetBucketLogging":                "s3:GetBucketLogging",
	"GetBucketTagging":                "s3:GetBucketTagging",
}

// s3ControlActions maps S3 Control operations to their IAM actions: the
// account-level settings are read with s3:GetAccountPublicAccessBlock.
var s3ControlActions = map[string]string{
	"GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
}

// ActionFor maps an operation as the SDK names it ("S3.GetBucketEncryption",
// "CloudWatch.GetMetricData") to the IAM action that grants it, or "" for an
// operation this package never calls.
func ActionFor(operation string) string {
	service, op, ok := strings.Cut(operation, ".")
	if !ok {
		return ""
	}
	switch service {
	case "S3":
		return s3Actions[op]
	case "S3 Control":
		return s3ControlActions[op]
	case "CloudWatch":
		return "cloudwatch:" + op
	}
	return ""
}

// listAPI is what the collector calls from the account's home region.
type listAPI interface {
	awss3.ListBucketsAPIClient
	GetBucketLocation(ctx context.Context, in *awss3.GetBucketLocationInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketLocationOutput, error)
}

// configAPI is the per-bucket configuration reads, made in the bucket's region.
type configAPI interface {
	GetBucketEncryption(ctx context.Context, in *awss3.GetBucketEncryptionInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketEncryptionOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *awss3.GetPublicAccessBlockInput, optFns ...func(*awss3.Options)) (*awss3.GetPublicAccessBlockOutput, error)
	GetBucketPolicyStatus(ctx context.Context, in *awss3.GetBucketPolicyStatusInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketPolicyStatusOutput, error)
	GetBucketVersioning(ctx context.Context, in *awss3.GetBucketVersioningInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketVersioningOutput, error)
	GetBucketLifecycleConfiguration(ctx context.Context, in *awss3.GetBucketLifecycleConfigurationInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketLifecycleConfigurationOutput, error)
	GetBucketLogging(ctx context.Context, in *awss3.GetBucketLoggingInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketLoggingOutput, error)
	GetBucketTagging(ctx context.Context, in *awss3.GetBucketTaggingInput, optFns ...func(*awss3.Options)) (*awss3.GetBucketTaggingOutput, error)
}

// perRegion builds one client per region on first use and keeps it, so the
// buckets of a region share a client (and its retry quota).
type perRegion[T any] struct {
	mu   sync.Mutex
	m    map[string]T
	make func(region string) T
}

func newPerRegion[T any](mk func(region string) T) *perRegion[T] {
	return &perRegion[T]{m: map[string]T{}, make: mk}
}

func (p *perRegion[T]) get(region string) T {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.m[region]
	if !ok {
		c = p.make(region)
		p.m[region] = c
	}
	return c
}

// errorCode is the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
