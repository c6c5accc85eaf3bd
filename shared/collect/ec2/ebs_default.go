package ec2

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/cloudinv/aws-inventory/shared/collect"
)

// DefaultEncryptionAPI is the EC2 calls DefaultEncryption makes.
type DefaultEncryptionAPI interface {
	GetEbsEncryptionByDefault(ctx context.Context, in *awsec2.GetEbsEncryptionByDefaultInput, optFns ...func(*awsec2.Options)) (*awsec2.GetEbsEncryptionByDefaultOutput, error)
	GetEbsDefaultKmsKeyId(ctx context.Context, in *awsec2.GetEbsDefaultKmsKeyIdInput, optFns ...func(*awsec2.Options)) (*awsec2.GetEbsDefaultKmsKeyIdOutput, error)
}

// DefaultEncryption collects a region's EBS encryption by default
// (ebs_default_encryption): one record per account region, whose ID is the
// region, with whether new volumes are always encrypted and the default key
// (alias/aws/ebs unless a customer managed key was set).
func DefaultEncryption() collect.Collector {
	return collect.Collector{
		Type: typeEBSDefaultEncryption, Service: service, Scope: collect.Regional,
		Actions: []string{"ec2:GetEbsDefaultKmsKeyId", "ec2:GetEbsEncryptionByDefault"},
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectDefaultEncryption(ctx, t, awsec2.NewFromConfig(t.AWS), emit)
		},
	}
}

// collectDefaultEncryption reads both settings. A refused call leaves its
// attribute out and is named in unreadable (the setting is unknown, not
// off); any other failure fails the collection.
func collectDefaultEncryption(ctx context.Context, t collect.Target, api DefaultEncryptionAPI, emit collect.Emit) error {
	attrs := map[string]any{}
	var unreadable []string
	enc, err := api.GetEbsEncryptionByDefault(ctx, &awsec2.GetEbsEncryptionByDefaultInput{})
	switch {
	case err == nil:
		attrs["enabled"] = aws.ToBool(enc.EbsEncryptionByDefault)
	case isDenied(err):
		unreadable = append(unreadable, "GetEbsEncryptionByDefault")
	default:
		return failed(t, "ec2 GetEbsEncryptionByDefault", err)
	}
	key, err := api.GetEbsDefaultKmsKeyId(ctx, &awsec2.GetEbsDefaultKmsKeyIdInput{})
	switch {
	case err == nil:
		setString(attrs, "kms_key_id", key.KmsKeyId)
	case isDenied(err):
		unreadable = append(unreadable, "GetEbsDefaultKmsKeyId")
	default:
		return failed(t, "ec2 GetEbsDefaultKmsKeyId", err)
	}
	if len(unreadable) > 0 {
		slices.Sort(unreadable)
		attrs["unreadable"] = unreadable
	}
	// The setting has no ARN; the region is its ID within the account.
	return emit(t.Record(typeEBSDefaultEncryption, t.Region, "", nil, attrs))
}
