package iam

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// ReportAPI is the IAM calls Users makes.
type ReportAPI interface {
	GenerateCredentialReport(ctx context.Context, in *awsiam.GenerateCredentialReportInput, optFns ...func(*awsiam.Options)) (*awsiam.GenerateCredentialReportOutput, error)
	GetCredentialReport(ctx context.Context, in *awsiam.GetCredentialReportInput, optFns ...func(*awsiam.Options)) (*awsiam.GetCredentialReportOutput, error)
}

// polling bounds the wait for a credential report: the first wait, doubled
// up to max, for at most attempts GetCredentialReport calls.
type polling struct {
	first, max time.Duration
	attempts   int
}

// reportPolling waits up to about a minute: IAM builds a report in seconds
// for most accounts, and a report stays current for four hours.
var reportPolling = polling{first: 500 * time.Millisecond, max: 8 * time.Second, attempts: 12}

// rootUser is the credential report's row for the account's root user,
// which iam_account covers (from GetAccountSummary).
const rootUser = "<root_account>"

// Users collects one iam_user record per IAM user (resource_id = the user
// name, region global) from the IAM credential report: it asks IAM to
// generate the report, then fetches it, waiting while IAM answers
// ReportInProgress (or ReportNotPresent / ReportExpired, after asking
// again). The report is the only source, so a failed or denied call fails
// the collection of the account, and never emits a partial list.
func Users() collect.Collector {
	return collect.Collector{
		Type: userType, Service: service, Scope: collect.Global,
		Actions: sorted("iam:GenerateCredentialReport", "iam:GetCredentialReport"),
		Collect: func(ctx context.Context, t collect.Target, emit collect.Emit) error {
			return collectUsers(ctx, t, awsiam.NewFromConfig(t.AWS), reportPolling, emit)
		},
	}
}

func collectUsers(ctx context.Context, t collect.Target, api ReportAPI, p polling, emit collect.Emit) error {
	content, err := credentialReport(ctx, api, p)
	if err != nil {
		return failed(t, "iam credential report", err)
	}
	users, err := parseReport(content)
	if err != nil {
		return failed(t, "iam credential report", err)
	}
	for _, u := range users {
		rec := t.Record(userType, u.name, u.arn, nil, u.attrs)
		rec.Region = inventory.GlobalRegion
		if err := emit(rec); err != nil {
			return err
		}
	}
	return nil
}

// credentialReport requests a report and fetches it, waiting between
// fetches while it is being generated. The wait stops with ctx.
func credentialReport(ctx context.Context, api ReportAPI, p polling) ([]byte, error) {
	generate := func() error {
		if _, err := api.GenerateCredentialReport(ctx, &awsiam.GenerateCredentialReportInput{}); err != nil {
			return fmt.Errorf("GenerateCredentialReport: %w", err)
		}
		return nil
	}
	if err := generate(); err != nil {
		return nil, err
	}
	wait := p.first
	for attempt := 1; ; attempt++ {
		out, err := api.GetCredentialReport(ctx, &awsiam.GetCredentialReportInput{})
		if err == nil {
			return out.Content, nil
		}
		switch errorCode(err) {
		case "ReportInProgress":
		case "ReportNotPresent", "ReportExpired":
			if err := generate(); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("GetCredentialReport: %w", err)
		}
		if attempt >= p.attempts {
			return nil, fmt.Errorf("GetCredentialReport: no report after %d attempts: %w", attempt, err)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-timer.C:
		}
		wait = min(2*wait, p.max)
	}
}

// reportUser is one user's row of the credential report.
type reportUser struct {
	name, arn string
	attrs     map[string]any
}

// Report columns recorded, by how their values read.
var (
	reportBools = []string{"password_enabled", "mfa_active", "access_key_1_active", "access_key_2_active"}
	reportTimes = []string{"user_creation_time", "password_last_used", "password_last_changed",
		"access_key_1_last_rotated", "access_key_1_last_used_date",
		"access_key_2_last_rotated", "access_key_2_last_used_date"}
)

// parseReport reads the report's CSV by its header's column names, skipping
// the root user's row. IAM writes "N/A" (not applicable: no password, no
// key, never used), "not_supported" (root's password columns) and
// "no_information" (a sign-in before IAM tracked them): all leave the
// attribute out. Times become RFC 3339 in UTC.
func parseReport(content []byte) ([]reportUser, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read report header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"user", "arn"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("report header %q has no %q column", strings.Join(header, ","), need)
		}
	}
	var out []reportUser
	for line := 2; ; line++ {
		row, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read report: %w", err)
		}
		value := func(name string) (string, bool) {
			i, ok := col[name]
			if !ok || i >= len(row) {
				return "", false
			}
			switch v := strings.TrimSpace(row[i]); v {
			case "", "N/A", "not_supported", "no_information":
				return "", false
			default:
				return v, true
			}
		}
		name, _ := value("user")
		if name == rootUser {
			continue
		}
		if name == "" {
			return nil, fmt.Errorf("report line %d has no user name", line)
		}
		arn, _ := value("arn")
		attrs := map[string]any{"name": name}
		for _, c := range reportBools {
			if v, ok := value(c); ok && (v == "true" || v == "false") {
				attrs[c] = v == "true"
			}
		}
		for _, c := range reportTimes {
			if v, ok := value(c); ok {
				if ts, err := time.Parse(time.RFC3339, v); err == nil {
					attrs[c] = ts.UTC().Format(time.RFC3339)
				}
			}
		}
		out = append(out, reportUser{name: name, arn: arn, attrs: attrs})
	}
}
