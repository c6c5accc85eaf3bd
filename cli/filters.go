package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// filterFlags are the record filters shared by query and export.
type filterFlags struct {
	types, accounts, departments, regions, tags []string
	since, until                                string
	includeDeleted                              bool
}

func (f *filterFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringArrayVar(&f.types, "resource-type", nil, "resource type, e.g. ec2_instance or ec2 (repeatable)")
	fs.StringArrayVar(&f.accounts, "account", nil, "account ID (repeatable)")
	fs.StringArrayVar(&f.departments, "department", nil, "department (repeatable)")
	fs.StringArrayVar(&f.regions, "region", nil, "region (repeatable; S3 buckets carry their bucket region)")
	fs.StringArrayVar(&f.tags, "tag", nil, "tag KEY=VALUE that must match (repeatable, all must match)")
	fs.StringVar(&f.since, "since", "", "last seen at or after: RFC 3339 time, YYYY-MM-DD, or an age like 24h or 7d")
	fs.StringVar(&f.until, "until", "", "last seen before: RFC 3339 time, YYYY-MM-DD, or an age like 24h or 7d")
	fs.BoolVar(&f.includeDeleted, "include-deleted", false, "include resources no longer found (marked deleted)")
}

func (f *filterFlags) filter(now time.Time) (store.Filter, error) {
	sf := store.Filter{Accounts: f.accounts, Departments: f.departments, Regions: f.regions, IncludeDeleted: f.includeDeleted}
	for _, t := range f.types {
		ts, ok := config.ExpandType(t)
		if !ok {
			return sf, usagef("--resource-type %q: expected one of ec2, rds, s3, lambda, %s", t, strings.Join(config.KnownTypes(), ", "))
		}
		sf.ResourceTypes = append(sf.ResourceTypes, ts...)
	}
	for _, a := range f.accounts {
		if !config.ValidAccountID(a) {
			return sf, usagef("--account %q: expected a 12-digit AWS account ID", a)
		}
	}
	for _, kv := range f.tags {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return sf, usagef("--tag %q: expected KEY=VALUE", kv)
		}
		if sf.Tags == nil {
			sf.Tags = map[string]string{}
		}
		sf.Tags[k] = v
	}
	var err error
	if sf.Since, err = parseWhen("--since", f.since, now); err != nil {
		return sf, err
	}
	if sf.Until, err = parseWhen("--until", f.until, now); err != nil {
		return sf, err
	}
	if !sf.Since.IsZero() && !sf.Until.IsZero() && !sf.Since.Before(sf.Until) {
		return sf, usagef("--since %s is not before --until %s", f.since, f.until)
	}
	return sf, nil
}

// parseWhen accepts an RFC 3339 time, a date, or an age (24h, 90m, 7d).
func parseWhen(flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, usagef("%s %q: expected an RFC 3339 time (2026-11-01T00:00:00Z), a date (2026-11-01) or an age (24h, 7d)", flag, s)
}
