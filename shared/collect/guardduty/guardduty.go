// Package guardduty collects GuardDuty detectors, one record per account
// region: the region's detector, or "none" where GuardDuty is off.
package guardduty

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
)

// detectorType is the resource type (an inventory constant to come).
const detectorType = "guardduty_detector"

// service is GuardDuty's SDK ServiceID.
const service = "GuardDuty"

// ActionFor maps an operation as the SDK names it ("GuardDuty.GetDetector")
// to the IAM action that grants it, or "" for another service. GuardDuty's
// action names equal its operation names.
func ActionFor(operation string) string {
	svc, op, ok := strings.Cut(operation, ".")
	if !ok || op == "" || svc != service {
		return ""
	}
	return "guardduty:" + op
}

// errorCode is the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// arn builds a detector's ARN (GuardDuty returns none).
func arn(t collect.Target, id string) string {
	partition := "aws"
	switch {
	case strings.HasPrefix(t.Region, "cn-"):
		partition = "aws-cn"
	case strings.HasPrefix(t.Region, "us-gov-"):
		partition = "aws-us-gov"
	}
	return fmt.Sprintf("arn:%s:guardduty:%s:%s:detector/%s", partition, t.Region, t.AccountID, id)
}

// failed wraps an AWS error with the call and the target it failed in.
func failed(t collect.Target, call string, err error) error {
	return fmt.Errorf("%s in account %s region %s: %w", call, t.AccountID, t.Region, err)
}
