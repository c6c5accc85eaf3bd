// Package lambdaenv builds a stage Lambda's dependencies from its environment
// variables: the accounts config bundled beside the bootstrap, the DynamoDB
// store, the S3 buckets, the SNS topic and the Slack webhook's secret.
package lambdaenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/blob"
	"github.com/cloudinv/aws-inventory/shared/collect/registry"
	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/emf"
	"github.com/cloudinv/aws-inventory/shared/notify"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/pricing"
	"github.com/cloudinv/aws-inventory/shared/stages"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb"
)

// Environment variables of the Lambda functions. The seed's names keep their
// meaning (DYNAMODB_TABLE_NAME, REPORT_BUCKET, EXTERNAL_ID, and SNS_TOPIC_ARN,
// MONTHLY_COST_THRESHOLD read by notify); none carries a secret: the Slack
// webhook is read from Secrets Manager by the ARN in SLACK_WEBHOOK_SECRET_ARN.
const (
	EnvTable             = "DYNAMODB_TABLE_NAME"
	EnvWorkBucket        = "WORK_BUCKET"
	EnvReportBucket      = "REPORT_BUCKET"
	EnvConfig            = "INVENTORY_CONFIG"
	EnvMaxConcurrency    = "MAP_MAX_CONCURRENCY"
	EnvToleratedFailures = "MAP_TOLERATED_FAILURE_PERCENTAGE"
	EnvRetentionDays     = "RETENTION_DAYS"
)

// FromEnv builds a Lambda's Deps from its environment: the accounts config
// bundled beside the bootstrap, the AWS clients of what is configured.
// Unset variables leave the matching dependency nil.
func FromEnv(ctx context.Context, stage string) (*stages.Deps, error) {
	getenv := os.Getenv
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil)).With("stage", stage)
	settings, err := settingsFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	cfgPath := getenv(EnvConfig)
	if cfgPath == "" {
		cfgPath = "accounts.json"
	}
	if !filepath.IsAbs(cfgPath) && getenv("LAMBDA_TASK_ROOT") != "" {
		cfgPath = filepath.Join(getenv("LAMBDA_TASK_ROOT"), cfgPath)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvConfig, err)
	}
	thresholds, err := notify.ThresholdsFromConfig(cfg, getenv)
	if err != nil {
		return nil, err
	}
	base, err := access.LoadDefault(ctx, getenv("AWS_REGION"))
	if err != nil {
		return nil, err
	}
	d := &stages.Deps{Log: log, Settings: settings, Thresholds: thresholds, Metrics: emf.New(os.Stdout, stages.MetricsNamespace)}
	if table := getenv(EnvTable); table != "" {
		st, err := dynamodb.Open(ctx, base, table, dynamodb.Options{Retention: time.Duration(settings.RetentionDays) * 24 * time.Hour})
		if err != nil {
			return nil, err
		}
		// Prices from the Price List API, cached in the store for every
		// function of the deployment, falling back to the bundled snapshot
		// (each estimate's basis says which priced it).
		prices := pricing.NewAPI(pricing.NewClient(base), pricing.Snapshot(), pricing.StoreCache{Store: st},
			pricing.APIOptions{Logf: func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) }})
		d.Env = &pipeline.Env{
			Config: cfg, Store: st, Collectors: registry.ByType(), HomeRegion: base.Region, Prices: prices,
			Access: access.New(base, access.Options{
				ExternalID: cfg.ExternalID(getenv), SessionName: "aws-inventory-" + stage,
				MaxAttempts: cfg.CollectionSettings.RetryAttempts,
			}),
		}
	}
	if b := getenv(EnvWorkBucket); b != "" {
		d.Work = blob.NewS3(s3.NewFromConfig(base, blob.PathStyleWithCustomEndpoint), b)
	}
	if b := getenv(EnvReportBucket); b != "" {
		d.Reports = blob.NewS3(s3.NewFromConfig(base, blob.PathStyleWithCustomEndpoint), b)
	}
	// SNS and Slack as the config and environment ask (the webhook from
	// Secrets Manager by ARN; notifications.email_on_failure honoured).
	d.Senders, err = notify.SendersFromConfig(cfg.Notifications, getenv, notify.Clients{
		SNS: sns.NewFromConfig(base), Secrets: secretsmanager.NewFromConfig(base),
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func settingsFromEnv(getenv func(string) string) (stages.Settings, error) {
	s := stages.Settings{
		MaxConcurrency: stages.DefaultMaxConcurrency, ToleratedFailurePercentage: stages.DefaultToleratedFailurePercentage,
		RetentionDays: stages.DefaultRetentionDays,
	}
	ints := []struct {
		name string
		dst  *int
		min  int
	}{{EnvMaxConcurrency, &s.MaxConcurrency, 1}, {EnvRetentionDays, &s.RetentionDays, 1}}
	for _, v := range ints {
		if raw := getenv(v.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < v.min {
				return s, fmt.Errorf("environment variable %s=%q: expected an integer ≥ %d", v.name, raw, v.min)
			}
			*v.dst = n
		}
	}
	floats := []struct {
		name     string
		dst      *float64
		min, max float64
	}{{EnvToleratedFailures, &s.ToleratedFailurePercentage, 0, 100}}
	for _, v := range floats {
		if raw := getenv(v.name); raw != "" {
			f, err := strconv.ParseFloat(raw, 64)
			if err != nil || f < v.min || f > v.max {
				return s, fmt.Errorf("environment variable %s=%q: expected a number from %g to %g", v.name, raw, v.min, v.max)
			}
			*v.dst = f
		}
	}
	return s, nil
}
