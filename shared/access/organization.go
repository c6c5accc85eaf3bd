package access

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// OrganizationsAPI is what account discovery calls.
type OrganizationsAPI interface {
	organizations.ListAccountsAPIClient
	organizations.ListAccountsForParentAPIClient
	organizations.ListOrganizationalUnitsForParentAPIClient
}

// Account is a discovered member account.
type Account struct {
	ID     string `json:"account_id"`
	Name   string `json:"account_name"`
	Status string `json:"status"`
}

// Skipped is an account not collected, and why.
type Skipped struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name,omitempty"`
	Reason      string `json:"reason"`
}

// Selection narrows discovery: OUs are searched recursively; empty includes
// mean the whole organization.
type Selection struct {
	IncludeOUs, ExcludeOUs           []string
	IncludeAccounts, ExcludeAccounts []string
}

// DiscoverAccounts lists the organization's accounts (ListAccounts, or the
// included OUs' subtrees) and returns the ACTIVE ones selected. Suspended and
// closing accounts, and excluded ones, come back as Skipped with the reason.
func DiscoverAccounts(ctx context.Context, api OrganizationsAPI, sel Selection) ([]Account, []Skipped, error) {
	var listed []orgtypes.Account
	if len(sel.IncludeOUs) == 0 {
		p := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, nil, fmt.Errorf("organizations ListAccounts: %w", err)
			}
			listed = append(listed, page.Accounts...)
		}
	} else {
		for _, ou := range sel.IncludeOUs {
			accts, err := accountsUnder(ctx, api, ou)
			if err != nil {
				return nil, nil, err
			}
			listed = append(listed, accts...)
		}
	}
	excluded := map[string]string{}
	for _, id := range sel.ExcludeAccounts {
		excluded[id] = "excluded by organization.exclude_accounts"
	}
	for _, ou := range sel.ExcludeOUs {
		accts, err := accountsUnder(ctx, api, ou)
		if err != nil {
			return nil, nil, err
		}
		for _, a := range accts {
			excluded[aws.ToString(a.Id)] = "in excluded OU " + ou
		}
	}
	include := map[string]bool{}
	for _, id := range sel.IncludeAccounts {
		include[id] = true
	}
	var out []Account
	var skipped []Skipped
	seen := map[string]bool{}
	for _, a := range listed {
		id, name := aws.ToString(a.Id), aws.ToString(a.Name)
		if seen[id] {
			continue
		}
		seen[id] = true
		switch {
		case len(include) > 0 && !include[id]:
			continue // not asked for: not worth a line in the report
		case excluded[id] != "":
			skipped = append(skipped, Skipped{id, name, excluded[id]})
		case a.Status != orgtypes.AccountStatusActive:
			skipped = append(skipped, Skipped{id, name, "account status " + string(a.Status)})
		default:
			out = append(out, Account{ID: id, Name: name, Status: string(a.Status)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].AccountID < skipped[j].AccountID })
	return out, skipped, nil
}

// accountsUnder walks an OU (or root) subtree.
func accountsUnder(ctx context.Context, api OrganizationsAPI, parent string) ([]orgtypes.Account, error) {
	var out []orgtypes.Account
	ap := organizations.NewListAccountsForParentPaginator(api, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations ListAccountsForParent %s: %w", parent, err)
		}
		out = append(out, page.Accounts...)
	}
	op := organizations.NewListOrganizationalUnitsForParentPaginator(api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	for op.HasMorePages() {
		page, err := op.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations ListOrganizationalUnitsForParent %s: %w", parent, err)
		}
		for _, ou := range page.OrganizationalUnits {
			sub, err := accountsUnder(ctx, api, aws.ToString(ou.Id))
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	}
	return out, nil
}

// OrganizationsConfig returns the config for Organizations calls: the
// caller's own, or a management/delegated-admin role assumed from it.
func (a *Access) OrganizationsConfig(managementRoleARN string) (aws.Config, error) {
	// Organizations' endpoint lives in us-east-1 (aws partition).
	if managementRoleARN == "" {
		cfg := a.base.Copy()
		cfg.Region = "us-east-1"
		return cfg, nil
	}
	parsed, err := arn.Parse(managementRoleARN)
	if err != nil {
		return aws.Config{}, fmt.Errorf("organization.management_role_arn %q: %w", managementRoleARN, err)
	}
	return a.assumed(managementRoleARN, parsed.AccountID, "us-east-1"), nil
}

// OrganizationsActions are the IAM actions of DiscoverAccounts (the calls of
// OrganizationsAPI), for the deployment's policy of the planning function.
var OrganizationsActions = []string{
	"organizations:ListAccounts",
	"organizations:ListAccountsForParent",
	"organizations:ListOrganizationalUnitsForParent",
}
