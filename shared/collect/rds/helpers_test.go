package rds

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cloudinv/aws-inventory/shared/collect/collecttest"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
)

var testNow = collecttest.Now

func testSpec() fakeorg.Spec {
	sp := collecttest.Spec()
	sp.Accounts = 8
	return sp
}

// withRetries lets the SDK retryer ride out a throttling storm.
func withRetries(cfg aws.Config, n int) aws.Config {
	cfg.RetryMaxAttempts = n
	return cfg
}
