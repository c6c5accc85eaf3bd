package notify

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/cloudinv/aws-inventory/shared/config"
)

// Environment variables the Notify function reads (the seed's names where
// the seed had one).
const (
	// MonthlyCostThresholdEnv overrides cost_thresholds.total_monthly_alert.
	MonthlyCostThresholdEnv = "MONTHLY_COST_THRESHOLD"
	// FindingsThresholdEnv overrides notifications.security_findings_threshold
	// (the deployment's securityFindingsThreshold setting, which also drives
	// the findings alarm).
	FindingsThresholdEnv = "SECURITY_FINDINGS_THRESHOLD"
	// TopicEnv overrides notifications.sns_topic_arn.
	TopicEnv = "SNS_TOPIC_ARN"
	// SlackSecretEnv is the ARN of the Secrets Manager secret holding the
	// Slack webhook URL; the URL itself never sits in an environment variable.
	SlackSecretEnv = "SLACK_WEBHOOK_SECRET_ARN"
)

// ThresholdsFromConfig reads the thresholds from the config file and the
// environment (getenv nil means no environment).
func ThresholdsFromConfig(c *config.Config, getenv func(string) string) (Thresholds, error) {
	if c == nil {
		c = config.Default()
	}
	th := Thresholds{
		MonthlyCost:              c.CostThresholds.TotalMonthlyAlert,
		ExpensiveResourceMonthly: c.CostThresholds.ExpensiveResourceMonthly,
		SecurityFindings:         c.Notifications.SecurityFindingsThreshold,
	}
	if getenv == nil {
		return th, nil
	}
	if v := strings.TrimSpace(getenv(MonthlyCostThresholdEnv)); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return th, fmt.Errorf("%s=%q: expected a USD amount above 0, such as 10000", MonthlyCostThresholdEnv, v)
		}
		th.MonthlyCost = f
	}
	if v := strings.TrimSpace(getenv(FindingsThresholdEnv)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return th, fmt.Errorf("%s=%q: expected a whole number of findings, 0 or more", FindingsThresholdEnv, v)
		}
		th.SecurityFindings = n
	}
	return th, nil
}

// Clients are the AWS clients the senders use; only those a configured
// channel needs must be set.
type Clients struct {
	SNS     PublishAPI
	Secrets SecretsAPI
	// HTTP posts to Slack; nil uses a client with a short timeout.
	HTTP *http.Client
}

// SendersFromConfig builds the senders the config and environment ask for:
//   - SNS when SNS_TOPIC_ARN (else notifications.sns_topic_arn) is set. With
//     notifications.email_on_failure false, run failures are not e-mailed
//     (cost and security alerts still are);
//   - Slack when SLACK_WEBHOOK_SECRET_ARN is set (the deployed system), else
//     when notifications.slack_webhook_url is (local runs).
//
// No channel configured is not an error: the alerts are still returned.
func SendersFromConfig(n config.Notifications, getenv func(string) string, c Clients) ([]Sender, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var out []Sender
	topic := getenv(TopicEnv)
	if topic == "" {
		topic = n.SNSTopicARN
	}
	if topic != "" {
		if c.SNS == nil {
			return nil, errors.New("notify: an SNS topic is configured but no SNS client was given")
		}
		var s Sender = &SNS{Client: c.SNS, TopicARN: topic}
		if !n.EmailOnFailure {
			s = Only(s, func(a Alert) bool { return !isRunProblem(a) })
		}
		out = append(out, s)
	}
	switch secret := getenv(SlackSecretEnv); {
	case secret != "":
		if c.Secrets == nil {
			return nil, errors.New("notify: a Slack webhook secret is configured but no Secrets Manager client was given")
		}
		out = append(out, &Slack{Client: c.HTTP, Webhook: SecretWebhook(c.Secrets, secret)})
	case n.SlackWebhookURL != "":
		out = append(out, &Slack{Client: c.HTTP, Webhook: StaticWebhook(n.SlackWebhookURL)})
	}
	return out, nil
}
