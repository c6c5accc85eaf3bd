package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

func trailOf(arn string, multiRegion bool) cttypes.Trail {
	return cttypes.Trail{Name: aws.String(arn), TrailARN: aws.String(arn), IsMultiRegionTrail: aws.Bool(multiRegion),
		LogFileValidationEnabled: aws.Bool(true)}
}
