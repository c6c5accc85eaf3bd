package fakeorg

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"
)

// rdsRegionWithSnapshots finds an account region with a manual snapshot
// that is public, and automated ones.
func rdsRegionWithSnapshots(t *testing.T, o *Org) (*Account, *Region, *RDSSnapshot) {
	t.Helper()
	for _, a := range o.Accounts {
		for _, r := range a.Regions {
			var public *RDSSnapshot
			automated := false
			for _, sn := range r.RDS.Snapshots {
				if sn.Public && !sn.DeniedAttributes {
					public = sn
				}
				automated = automated || sn.Type == "automated"
			}
			if public != nil && automated {
				return a, r, public
			}
		}
	}
	t.Fatal("no account region with a public manual snapshot and automated ones")
	return nil, nil, nil
}

func TestRDSSnapshotsAreListedAsRDSDoes(t *testing.T) {
	o := New(testSpec())
	a, r, public := rdsRegionWithSnapshots(t, o)
	client := awsrds.NewFromConfig(o.MemberConfig(a.ID, r.Name))
	ctx := context.Background()
	count := func(typ string) int {
		n := 0
		for _, sn := range r.RDS.Snapshots {
			if typ == "" || sn.Type == typ {
				n++
			}
		}
		return n
	}
	if count("manual") == 0 || count("automated") == 0 {
		t.Fatal("the region needs manual and automated snapshots")
	}
	for _, tc := range []struct {
		name string
		in   *awsrds.DescribeDBSnapshotsInput
		want int
	}{
		{"all of the account's", &awsrds.DescribeDBSnapshotsInput{}, count("")},
		{"manual", &awsrds.DescribeDBSnapshotsInput{SnapshotType: aws.String("manual")}, count("manual")},
		{"automated", &awsrds.DescribeDBSnapshotsInput{SnapshotType: aws.String("automated")}, count("automated")},
		{"shared with the account: none modelled", &awsrds.DescribeDBSnapshotsInput{SnapshotType: aws.String("shared")}, 0},
		{"by identifier", &awsrds.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String(public.ID)}, 1},
		{"by ARN", &awsrds.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String(public.ARN)}, 1},
		{"by filter", &awsrds.DescribeDBSnapshotsInput{Filters: []rdstypes.Filter{{Name: aws.String("db-snapshot-id"), Values: []string{public.ID}}}}, 1},
	} {
		out, err := client.DescribeDBSnapshots(ctx, tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(out.DBSnapshots) != tc.want {
			t.Errorf("%s: %d snapshots, want %d", tc.name, len(out.DBSnapshots), tc.want)
		}
	}
	out, err := client.DescribeDBSnapshots(ctx, &awsrds.DescribeDBSnapshotsInput{DBInstanceIdentifier: aws.String(public.InstanceID), SnapshotType: aws.String("manual")})
	if err != nil || len(out.DBSnapshots) == 0 {
		t.Fatalf("by instance: %v, %d snapshots", err, len(out.DBSnapshots))
	}
	for _, sn := range out.DBSnapshots {
		if aws.ToString(sn.DBInstanceIdentifier) != public.InstanceID || aws.ToString(sn.SnapshotType) != "manual" {
			t.Errorf("by instance %s: got %s of %s", public.InstanceID, aws.ToString(sn.SnapshotType), aws.ToString(sn.DBInstanceIdentifier))
		}
	}
	attrs, err := client.DescribeDBSnapshotAttributes(ctx, &awsrds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(public.ID)})
	if err != nil {
		t.Fatal(err)
	}
	want := []rdstypes.DBSnapshotAttribute{{AttributeName: aws.String("restore"), AttributeValues: append([]string{"all"}, public.SharedWith...)}}
	if got := attrs.DBSnapshotAttributesResult.DBSnapshotAttributes; !reflect.DeepEqual(got, want) {
		t.Errorf("attributes = %+v, want %+v", got, want)
	}
}

func TestRDSSnapshotCallsAnswerAWSErrors(t *testing.T) {
	o := New(testSpec())
	var a *Account
	var r *Region
	var denied *RDSSnapshot
	for _, x := range o.Accounts {
		for _, xr := range x.Regions {
			for _, sn := range xr.RDS.Snapshots {
				if sn.DeniedAttributes && denied == nil {
					denied = sn
					a, r = x, xr
				}
			}
		}
	}
	if denied == nil {
		t.Fatal("no snapshot with denied attributes")
	}
	client := awsrds.NewFromConfig(o.MemberConfig(a.ID, r.Name))
	ctx := context.Background()
	for _, tc := range []struct {
		name, code string
		call       func() error
	}{
		{"missing snapshot", "DBSnapshotNotFound", func() error {
			_, err := client.DescribeDBSnapshots(ctx, &awsrds.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String("nope")})
			return err
		}},
		{"attributes of a missing snapshot", "DBSnapshotNotFound", func() error {
			_, err := client.DescribeDBSnapshotAttributes(ctx, &awsrds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String("nope")})
			return err
		}},
		{"attributes denied", "AccessDenied", func() error {
			_, err := client.DescribeDBSnapshotAttributes(ctx, &awsrds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(denied.ID)})
			return err
		}},
		{"instance and snapshot together", "InvalidParameterCombination", func() error {
			_, err := client.DescribeDBSnapshots(ctx, &awsrds.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String(denied.ID), DBInstanceIdentifier: aws.String(denied.InstanceID)})
			return err
		}},
		{"MaxRecords below 20", "InvalidParameterValue", func() error {
			_, err := client.DescribeDBSnapshots(ctx, &awsrds.DescribeDBSnapshotsInput{MaxRecords: aws.Int32(5)})
			return err
		}},
		{"unknown snapshot type", "InvalidParameterValue", func() error {
			_, err := client.DescribeDBSnapshots(ctx, &awsrds.DescribeDBSnapshotsInput{SnapshotType: aws.String("weekly")})
			return err
		}},
	} {
		var ae smithy.APIError
		if err := tc.call(); !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
		}
	}
}

// RDS refuses to share a snapshot under the aws/rds key or to make an
// encrypted one public; the generator must not produce what AWS cannot.
func TestRDSSnapshotSharingIsWhatRDSAllows(t *testing.T) {
	o := New(testSpec())
	manual, public, shared := 0, 0, 0
	for _, a := range o.Accounts {
		for _, r := range a.Regions {
			for _, sn := range r.RDS.Snapshots {
				if sn.Type != "manual" {
					if sn.Public || len(sn.SharedWith) > 0 || sn.Type != "automated" {
						t.Errorf("%s: %s snapshot public %v shared %v", sn.ID, sn.Type, sn.Public, sn.SharedWith)
					}
					continue
				}
				manual++
				if sn.Public {
					public++
				}
				if len(sn.SharedWith) > 0 {
					shared++
				}
				if sn.Encrypted && (sn.Public || len(sn.SharedWith) > 0 && sn.KMSKeyID == r.RDS.defaultKey) {
					t.Errorf("%s: encrypted with %s, public %v, shared %v", sn.ID, sn.KMSKeyID, sn.Public, sn.SharedWith)
				}
				if sn.Encrypted != (sn.KMSKeyID != "") {
					t.Errorf("%s: encrypted %v with key %q", sn.ID, sn.Encrypted, sn.KMSKeyID)
				}
			}
		}
	}
	if manual == 0 || public == 0 || shared == 0 || public*5 > manual {
		t.Errorf("%d manual snapshots, %d public, %d shared", manual, public, shared)
	}
}

func TestSnapshotsAndAccountSettingsAreDeterministic(t *testing.T) {
	a, b := New(testSpec()), New(testSpec())
	for _, acct := range a.Accounts {
		if !reflect.DeepEqual(a.testExpectedS3Account(acct.ID), b.testExpectedS3Account(acct.ID)) {
			t.Fatalf("account %s: S3 account settings differ", acct.ID)
		}
		for _, r := range acct.EnabledRegions() {
			if !reflect.DeepEqual(a.testExpectedRDSSnapshots(acct.ID, r), b.testExpectedRDSSnapshots(acct.ID, r)) {
				t.Fatalf("account %s region %s: snapshots differ", acct.ID, r)
			}
		}
	}
}
