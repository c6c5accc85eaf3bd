package access

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// RegionsAPI is the one EC2 call region discovery makes.
type RegionsAPI interface {
	DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

// AccountRegions is what an account has: regions it can use, and regions that
// exist but are not opted in (skipped, with that reason).
type AccountRegions struct {
	Enabled    []string
	NotOptedIn []string
}

// DiscoverRegions lists an account's regions with DescribeRegions
// (AllRegions, so opt-in regions that are off are seen and reported).
func DiscoverRegions(ctx context.Context, api RegionsAPI) (AccountRegions, error) {
	out, err := api.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		return AccountRegions{}, fmt.Errorf("ec2 DescribeRegions: %w", err)
	}
	var ar AccountRegions
	for _, r := range out.Regions {
		name := aws.ToString(r.RegionName)
		switch aws.ToString(r.OptInStatus) {
		case "not-opted-in":
			ar.NotOptedIn = append(ar.NotOptedIn, name)
		default: // opt-in-not-required, opted-in
			ar.Enabled = append(ar.Enabled, name)
		}
	}
	sort.Strings(ar.Enabled)
	sort.Strings(ar.NotOptedIn)
	return ar, nil
}

type regionEntry struct {
	once sync.Once
	ar   AccountRegions
	err  error
}

// Regions discovers an account's regions once per process (every work item
// of the account shares the answer); a failure is not cached, so a later
// item or a replay tries again.
func (a *Access) Regions(ctx context.Context, accountID, roleName, homeRegion string) (AccountRegions, error) {
	v, _ := a.regions.LoadOrStore(accountID, &regionEntry{})
	e := v.(*regionEntry)
	e.once.Do(func() {
		e.ar, e.err = DiscoverRegions(ctx, ec2.NewFromConfig(a.Member(accountID, roleName, homeRegion)))
	})
	if e.err != nil {
		a.regions.CompareAndDelete(accountID, e)
	}
	return e.ar, e.err
}
