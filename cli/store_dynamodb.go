package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/cloudinv/aws-inventory/shared/store"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb"
)

// openDynamoDB opens the deployed pipeline's table with the standard AWS
// configuration: the region of AWS_REGION or the profile, and
// AWS_ENDPOINT_URL_DYNAMODB for a local DynamoDB-protocol server. The read
// commands only query it.
func openDynamoDB(ctx context.Context, s storeSpec) (store.Store, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s dynamodb://%s: AWS configuration: %w", s.source, s.table, err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("%s dynamodb://%s: no AWS region: set AWS_REGION (or a region in the AWS profile) to the region of the deployed table", s.source, s.table)
	}
	st, err := dynamodb.Open(ctx, cfg, s.table, dynamodb.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s dynamodb://%s: %w", s.source, s.table, err)
	}
	return st, nil
}
