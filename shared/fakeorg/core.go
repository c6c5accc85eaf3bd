package fakeorg

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// coreHandlers answer identity, organization and region discovery.
func coreHandlers() map[string]handler {
	return map[string]handler{
		"STS.AssumeRole":                                 assumeRole,
		"STS.GetCallerIdentity":                          getCallerIdentity,
		"Organizations.DescribeOrganization":             describeOrganization,
		"Organizations.ListAccounts":                     listAccounts,
		"Organizations.ListRoots":                        listRoots,
		"Organizations.ListOrganizationalUnitsForParent": listOUsForParent,
		"Organizations.ListAccountsForParent":            listAccountsForParent,
		"EC2.DescribeRegions":                            describeRegions,
	}
}

func assumeRole(o *Org, c *Call) (any, error) {
	in := c.Input.(*sts.AssumeRoleInput)
	arn := aws.ToString(in.RoleArn)
	// arn:aws:iam::123456789012:role/Name
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || !strings.HasPrefix(parts[5], "role/") {
		return nil, apiError("ValidationError", fmt.Sprintf("%s is not a valid role ARN", arn))
	}
	target, role := parts[4], strings.TrimPrefix(parts[5], "role/")
	denied := apiError("AccessDenied", fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/caller is not authorized to perform: sts:AssumeRole on resource: %s", c.AccountID, arn))
	a, ok := o.Account(target)
	if !ok || a.Status != StatusActive || o.isDenied(target) {
		return nil, denied
	}
	if a != o.Management && role != o.Spec.MemberRole {
		return nil, denied
	}
	if o.Spec.ExternalID != "" && aws.ToString(in.ExternalId) != o.Spec.ExternalID {
		return nil, denied
	}
	if aws.ToString(in.RoleSessionName) == "" {
		return nil, apiError("ValidationError", "RoleSessionName is required")
	}
	exp := time.Now().Add(time.Hour)
	return &sts.AssumeRoleOutput{
		Credentials: &ststypes.Credentials{
			AccessKeyId:     aws.String(AccessKeyFor(target)),
			SecretAccessKey: aws.String("fake-secret"),
			SessionToken:    aws.String("fake-session-" + target),
			Expiration:      &exp,
		},
		AssumedRoleUser: &ststypes.AssumedRoleUser{
			Arn:           aws.String(fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", target, role, aws.ToString(in.RoleSessionName))),
			AssumedRoleId: aws.String("AROAFAKE" + target + ":" + aws.ToString(in.RoleSessionName)),
		},
	}, nil
}

func getCallerIdentity(o *Org, c *Call) (any, error) {
	return &sts.GetCallerIdentityOutput{
		Account: aws.String(c.AccountID),
		Arn:     aws.String(fmt.Sprintf("arn:aws:sts::%s:assumed-role/caller/fakeorg", c.AccountID)),
		UserId:  aws.String("AROAFAKE" + c.AccountID),
	}, nil
}

// orgCaller checks that Organizations is called from the management account,
// as AWS requires (or a delegated administrator, which the fake does not model).
func orgCaller(o *Org, c *Call) error {
	if c.AccountID != o.Management.ID {
		return apiError("AccessDeniedException", "You don't have permissions to access this resource.")
	}
	return nil
}

func describeOrganization(o *Org, c *Call) (any, error) {
	if err := orgCaller(o, c); err != nil {
		return nil, err
	}
	return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{
		Id:              aws.String(o.ID),
		MasterAccountId: aws.String(o.Management.ID),
		Arn:             aws.String(fmt.Sprintf("arn:aws:organizations::%s:organization/%s", o.Management.ID, o.ID)),
		FeatureSet:      orgtypes.OrganizationFeatureSetAll,
	}}, nil
}

func (o *Org) orgAccount(a *Account) orgtypes.Account {
	st := orgtypes.AccountStatus(a.Status)
	return orgtypes.Account{
		Id:              aws.String(a.ID),
		Arn:             aws.String(fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", o.Management.ID, o.ID, a.ID)),
		Name:            aws.String(a.Name),
		Email:           aws.String(a.Email),
		Status:          st,
		State:           orgtypes.AccountState(a.Status),
		JoinedTimestamp: aws.Time(a.Joined),
		JoinedMethod:    orgtypes.AccountJoinedMethodCreated,
	}
}

// page slices items for a paginated answer: NextToken is the next index.
func page[T any](items []T, token *string, max *int32, def int) ([]T, *string, error) {
	start := 0
	if t := aws.ToString(token); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, apiError("InvalidParameterValue", "invalid NextToken "+t)
		}
		start = n
	}
	size := def
	if max != nil && *max > 0 && int(*max) < size {
		size = int(*max)
	}
	end := min(start+size, len(items))
	var next *string
	if end < len(items) {
		next = aws.String(strconv.Itoa(end))
	}
	return items[start:end], next, nil
}

func (o *Org) allAccounts() []*Account {
	return append([]*Account{o.Management}, o.Accounts...)
}

func listAccounts(o *Org, c *Call) (any, error) {
	if err := orgCaller(o, c); err != nil {
		return nil, err
	}
	in := c.Input.(*organizations.ListAccountsInput)
	var all []orgtypes.Account
	for _, a := range o.allAccounts() {
		all = append(all, o.orgAccount(a))
	}
	items, next, err := page(all, in.NextToken, in.MaxResults, 20)
	if err != nil {
		return nil, err
	}
	return &organizations.ListAccountsOutput{Accounts: items, NextToken: next}, nil
}

func listRoots(o *Org, c *Call) (any, error) {
	if err := orgCaller(o, c); err != nil {
		return nil, err
	}
	return &organizations.ListRootsOutput{Roots: []orgtypes.Root{{
		Id: aws.String(o.Root.ID), Name: aws.String("Root"),
		Arn: aws.String(fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", o.Management.ID, o.ID, o.Root.ID)),
	}}}, nil
}

func listOUsForParent(o *Org, c *Call) (any, error) {
	if err := orgCaller(o, c); err != nil {
		return nil, err
	}
	in := c.Input.(*organizations.ListOrganizationalUnitsForParentInput)
	var all []orgtypes.OrganizationalUnit
	for _, ou := range o.OUs {
		if ou.ParentID == aws.ToString(in.ParentId) {
			all = append(all, orgtypes.OrganizationalUnit{Id: aws.String(ou.ID), Name: aws.String(ou.Name),
				Arn: aws.String(fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", o.Management.ID, o.ID, ou.ID))})
		}
	}
	items, next, err := page(all, in.NextToken, in.MaxResults, 20)
	if err != nil {
		return nil, err
	}
	return &organizations.ListOrganizationalUnitsForParentOutput{OrganizationalUnits: items, NextToken: next}, nil
}

func listAccountsForParent(o *Org, c *Call) (any, error) {
	if err := orgCaller(o, c); err != nil {
		return nil, err
	}
	in := c.Input.(*organizations.ListAccountsForParentInput)
	var all []orgtypes.Account
	for _, a := range o.allAccounts() {
		if a.OUID == aws.ToString(in.ParentId) {
			all = append(all, o.orgAccount(a))
		}
	}
	items, next, err := page(all, in.NextToken, in.MaxResults, 20)
	if err != nil {
		return nil, err
	}
	return &organizations.ListAccountsForParentOutput{Accounts: items, NextToken: next}, nil
}

func describeRegions(o *Org, c *Call) (any, error) {
	in := c.Input.(*ec2.DescribeRegionsInput)
	a, ok := o.Account(c.AccountID)
	if !ok {
		return nil, apiError("AuthFailure", "unknown account")
	}
	var out []ec2types.Region
	for _, r := range a.Regions {
		if !r.Enabled() && !aws.ToBool(in.AllRegions) {
			continue
		}
		out = append(out, ec2types.Region{
			RegionName:  aws.String(r.Name),
			Endpoint:    aws.String("ec2." + r.Name + ".amazonaws.com"),
			OptInStatus: aws.String(r.OptIn),
		})
	}
	return &ec2.DescribeRegionsOutput{Regions: out}, nil
}

// regionOf returns the caller's account region, or the error AWS gives for
// a region that is not enabled in the account.
func (o *Org) regionOf(c *Call) (*Account, *Region, error) {
	a, ok := o.Account(c.AccountID)
	if !ok {
		return nil, nil, apiError("AuthFailure", "AWS was not able to validate the provided access credentials")
	}
	r, ok := a.Region(c.Region)
	if !ok || !r.Enabled() {
		return nil, nil, apiError("OptInRequired", fmt.Sprintf("You are not subscribed to this service in %s. Please enable the region.", c.Region))
	}
	return a, r, nil
}
