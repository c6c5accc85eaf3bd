// Package cloudtrail collects CloudTrail trails, once per account: each
// trail is recorded in its home region, where CloudTrail answers for it.
package cloudtrail

import (
	"fmt"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/collect"
)

// trailType is the resource type (an inventory constant to come).
const trailType = "cloudtrail_trail"

// service is CloudTrail's SDK ServiceID.
const service = "CloudTrail"

// ActionFor maps an operation as the SDK names it ("CloudTrail.ListTrails")
// to the IAM action that grants it, or "" for another service. CloudTrail's
// action names equal its operation names.
func ActionFor(operation string) string {
	svc, op, ok := strings.Cut(operation, ".")
	if !ok || op == "" || svc != service {
		return ""
	}
	return "cloudtrail:" + op
}

// failed wraps an AWS error with the call and where it failed.
func failed(t collect.Target, call, region string, err error) error {
	return fmt.Errorf("%s in account %s region %s: %w", call, t.AccountID, region, err)
}
