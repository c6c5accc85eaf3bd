package fakeorg

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"
)

// rdsRegionWithCluster finds an account region holding an Aurora cluster.
func rdsRegionWithCluster(t *testing.T, o *Org) (*Account, *Region) {
	t.Helper()
	for _, a := range o.Accounts[:4] {
		for _, r := range a.Regions {
			if len(r.RDS.Clusters) > 0 && len(r.RDS.Instances) > len(r.RDS.Clusters[0].Members) {
				return a, r
			}
		}
	}
	t.Fatal("no account region with a cluster and standalone instances")
	return nil, nil
}

func TestRDSDescribeHonoursIdentifiersAndFilters(t *testing.T) {
	o := New(testSpec())
	a, r := rdsRegionWithCluster(t, o)
	cl := r.RDS.Clusters[0]
	client := awsrds.NewFromConfig(o.MemberConfig(a.ID, r.Name))
	ctx := context.Background()
	filter := func(name string, values ...string) []rdstypes.Filter {
		return []rdstypes.Filter{{Name: aws.String(name), Values: values}}
	}
	for _, tc := range []struct {
		name string
		in   *awsrds.DescribeDBInstancesInput
		want int
	}{
		{"all", &awsrds.DescribeDBInstancesInput{}, len(r.RDS.Instances)},
		{"by identifier", &awsrds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(r.RDS.Instances[0].ID)}, 1},
		{"by ARN", &awsrds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(r.RDS.Instances[0].ARN)}, 1},
		{"cluster members by id", &awsrds.DescribeDBInstancesInput{Filters: filter("db-cluster-id", cl.ID)}, len(cl.Members)},
		{"cluster members by ARN", &awsrds.DescribeDBInstancesInput{Filters: filter("db-cluster-id", cl.ARN)}, len(cl.Members)},
		{"engine", &awsrds.DescribeDBInstancesInput{Filters: filter("engine", "no-such-engine")}, 0},
	} {
		out, err := client.DescribeDBInstances(ctx, tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(out.DBInstances) != tc.want {
			t.Errorf("%s: %d instances, want %d", tc.name, len(out.DBInstances), tc.want)
		}
	}
	out, err := client.DescribeDBClusters(ctx, &awsrds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(cl.ARN)})
	if err != nil || len(out.DBClusters) != 1 || aws.ToString(out.DBClusters[0].DBClusterIdentifier) != cl.ID {
		t.Fatalf("cluster by ARN: %v, %+v", err, out)
	}
}

func TestRDSDescribeAnswersAWSErrors(t *testing.T) {
	o := New(testSpec())
	a, r := rdsRegionWithCluster(t, o)
	client := awsrds.NewFromConfig(o.MemberConfig(a.ID, r.Name))
	ctx := context.Background()
	for _, tc := range []struct {
		name, code string
		call       func() error
	}{
		{"missing instance", "DBInstanceNotFound", func() error {
			_, err := client.DescribeDBInstances(ctx, &awsrds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
			return err
		}},
		{"missing cluster", "DBClusterNotFoundFault", func() error {
			_, err := client.DescribeDBClusters(ctx, &awsrds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("nope")})
			return err
		}},
		{"MaxRecords below 20", "InvalidParameterValue", func() error {
			_, err := client.DescribeDBInstances(ctx, &awsrds.DescribeDBInstancesInput{MaxRecords: aws.Int32(5)})
			return err
		}},
		{"MaxRecords above 100", "InvalidParameterValue", func() error {
			_, err := client.DescribeDBClusters(ctx, &awsrds.DescribeDBClustersInput{MaxRecords: aws.Int32(101)})
			return err
		}},
		{"unknown filter", "InvalidParameterValue", func() error {
			_, err := client.DescribeDBInstances(ctx, &awsrds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{{Name: aws.String("colour"), Values: []string{"blue"}}}})
			return err
		}},
	} {
		var ae smithy.APIError
		if err := tc.call(); !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
		}
	}
}

func TestRDSOptOutRegionAnswersOptInRequired(t *testing.T) {
	o := New(testSpec())
	a := o.Accounts[0]
	region := optInRegionNames[0]
	_, err := awsrds.NewFromConfig(o.MemberConfig(a.ID, region)).DescribeDBInstances(context.Background(), &awsrds.DescribeDBInstancesInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "OptInRequired" {
		t.Fatalf("err = %v, want OptInRequired", err)
	}
}
