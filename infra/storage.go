package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	ddbstore "github.com/cloudinv/aws-inventory/shared/store/dynamodb"
)

// Storage holds the inventory table and the buckets.
type Storage struct {
	Table awsdynamodb.Table
	// Reports receives the CSV / JSON / HTML reports under reports/.
	Reports awss3.Bucket
	// Work carries a run's work items (runs/<run id>/items.json, written by
	// Plan, read by the Distributed Map's ItemReader) and the Map's results
	// (map-results/, written by its ResultWriter). Nothing in it outlives a run.
	Work awss3.Bucket
	// AccessLogs receives the S3 server access logs of the two data buckets.
	AccessLogs awss3.Bucket
}

// Object key prefixes in the buckets; the IAM policies are scoped to them.
const (
	workItemsPrefix  = "runs/"
	mapResultsPrefix = "map-results/"
	reportsPrefix    = "reports/"
	// One day more than Step Functions keeps a failed execution redrivable
	// (14 days): a redriven Map Run still finds its items and results.
	workObjectDays    = 15
	accessLogDays     = 365
	reportsIADays     = 30
	reportsGlacierIR  = 90
	noncurrentExpDays = 90
)

func NewStorage(scope constructs.Construct, s *Settings, keys *Keys) *Storage {
	c := constructs.NewConstruct(scope, jsii.String("Storage"))
	st := &Storage{Table: newTable(c, s, keys)}

	// S3 server access logging cannot deliver to an SSE-KMS bucket, so this
	// one bucket uses S3-managed keys; it holds request logs, not inventory.
	st.AccessLogs = awss3.NewBucket(c, jsii.String("AccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(true),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                          jsii.String("expire-access-logs"),
			Expiration:                  awscdk.Duration_Days(jsii.Number(accessLogDays)),
			NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(30)),
		}},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})

	st.Reports = awss3.NewBucket(c, jsii.String("Reports"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          keys.Data,
		BucketKeyEnabled:       jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		ServerAccessLogsBucket: st.AccessLogs,
		ServerAccessLogsPrefix: jsii.String("reports/"),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id: jsii.String("cheaper-classes-as-reports-age"),
			Transitions: &[]*awss3.Transition{
				{StorageClass: awss3.StorageClass_INFREQUENT_ACCESS(), TransitionAfter: awscdk.Duration_Days(jsii.Number(reportsIADays))},
				{StorageClass: awss3.StorageClass_GLACIER_INSTANT_RETRIEVAL(), TransitionAfter: awscdk.Duration_Days(jsii.Number(reportsGlacierIR))},
			},
			NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(noncurrentExpDays)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
		}},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})

	st.Work = awss3.NewBucket(c, jsii.String("Work"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          keys.Data,
		BucketKeyEnabled:       jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ServerAccessLogsBucket: st.AccessLogs,
		ServerAccessLogsPrefix: jsii.String("work/"),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			// Long enough to replay or redrive a run from the console after a
			// weekend; the store keeps the outcomes for good.
			Id:                                  jsii.String("expire-run-objects"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(workObjectDays)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	return st
}

// newTable creates the table exactly as shared/store/dynamodb describes it.
func newTable(scope constructs.Construct, s *Settings, keys *Keys) awsdynamodb.Table {
	str := func(name string) *awsdynamodb.Attribute {
		return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
	}
	t := awsdynamodb.NewTable(scope, jsii.String("Table"), &awsdynamodb.TableProps{
		TableName:     jsii.String(s.TableName()),
		PartitionKey:  str(ddbstore.PartitionKey),
		SortKey:       str(ddbstore.SortKey),
		BillingMode:   awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:    awsdynamodb.TableEncryption_CUSTOMER_MANAGED,
		EncryptionKey: keys.Data,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		TimeToLiveAttribute: jsii.String(ddbstore.TTLAttribute),
		DeletionProtection:  jsii.Bool(true),
		RemovalPolicy:       awscdk.RemovalPolicy_RETAIN,
	})
	for _, ix := range ddbstore.Indexes {
		t.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   str(ix.PartitionKey),
			SortKey:        str(ix.SortKey),
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return t
}
