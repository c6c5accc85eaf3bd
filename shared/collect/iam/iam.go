// Package iam collects the account-level IAM posture, once per account:
// the account itself (root user, password policy and, from CloudTrail in
// the home region, whether a multi-region trail logs) and its IAM users
// from the credential report. IAM is global, so both record the global
// region.
package iam

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/cloudinv/aws-inventory/shared/collect"
)

// Resource types (inventory constants to come).
const (
	accountType = "iam_account"
	userType    = "iam_user"
)

// service is IAM's SDK ServiceID, used for rate-limit buckets and messages.
const service = "IAM"

// ActionFor maps an operation as the SDK names it ("IAM.GetAccountSummary",
// "CloudTrail.DescribeTrails") to the IAM action that grants it, or "" for
// an operation this package never calls. Both services' action names equal
// their operation names.
func ActionFor(operation string) string {
	svc, op, ok := strings.Cut(operation, ".")
	if !ok || op == "" {
		return ""
	}
	switch svc {
	case "IAM":
		return "iam:" + op
	case "CloudTrail":
		return "cloudtrail:" + op
	}
	return ""
}

// errorCode is the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// sorted returns the actions sorted, as collectors declare them.
func sorted(actions ...string) []string {
	sort.Strings(actions)
	return actions
}

// failed wraps an AWS error with the call and the account it failed in.
func failed(t collect.Target, call string, err error) error {
	return fmt.Errorf("%s in account %s: %w", call, t.AccountID, err)
}
