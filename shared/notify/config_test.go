package notify

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/cloudinv/aws-inventory/shared/config"
)

type fakePublish struct{ subjects []string }

func (f *fakePublish) Publish(ctx context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.subjects = append(f.subjects, *in.Subject)
	return &sns.PublishOutput{}, nil
}

type fakeSecrets struct{}

func (fakeSecrets) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	return nil, errors.New("not called in these tests")
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func names(ss []Sender) string {
	var n []string
	for _, s := range ss {
		n = append(n, s.Name())
	}
	return strings.Join(n, ",")
}

func TestThresholdsComeFromConfigWithTheSeedEnvironmentOverride(t *testing.T) {
	c := config.Default()
	th, err := ThresholdsFromConfig(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if th != (Thresholds{MonthlyCost: 10000, ExpensiveResourceMonthly: 100, SecurityFindings: 10}) {
		t.Errorf("defaults = %+v", th)
	}
	th, err = ThresholdsFromConfig(c, env(map[string]string{MonthlyCostThresholdEnv: "2500.5"}))
	if err != nil || th.MonthlyCost != 2500.5 {
		t.Errorf("with MONTHLY_COST_THRESHOLD: %+v, %v", th, err)
	}
	for _, bad := range []string{"ten thousand", "0", "-5", "NaN", "Inf"} {
		if _, err := ThresholdsFromConfig(c, env(map[string]string{MonthlyCostThresholdEnv: bad})); err == nil || !strings.Contains(err.Error(), MonthlyCostThresholdEnv) {
			t.Errorf("MONTHLY_COST_THRESHOLD=%q: err = %v", bad, err)
		}
	}
}

func TestSendersFollowConfigAndEnvironment(t *testing.T) {
	clients := Clients{SNS: &fakePublish{}, Secrets: fakeSecrets{}}
	const arn = "arn:aws:sns:us-east-1:111122223333:alerts"
	for _, tc := range []struct {
		name string
		n    config.Notifications
		env  map[string]string
		want string
	}{
		{"nothing configured", config.Notifications{}, nil, ""},
		{"topic from the environment", config.Notifications{}, map[string]string{TopicEnv: arn}, "sns"},
		{"topic from the config", config.Notifications{SNSTopicARN: arn}, nil, "sns"},
		{"slack from the secret", config.Notifications{}, map[string]string{SlackSecretEnv: secretARN}, "slack"},
		{"slack from the config file", config.Notifications{SlackWebhookURL: "https://hooks.slack.com/services/x"}, nil, "slack"},
		{"both", config.Notifications{SNSTopicARN: arn}, map[string]string{SlackSecretEnv: secretARN}, "sns,slack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss, err := SendersFromConfig(tc.n, env(tc.env), clients)
			if err != nil || names(ss) != tc.want {
				t.Errorf("senders = %q, %v; want %q", names(ss), err, tc.want)
			}
		})
	}
	if _, err := SendersFromConfig(config.Notifications{SNSTopicARN: arn}, nil, Clients{}); err == nil {
		t.Error("a topic without an SNS client is accepted")
	}
	if _, err := SendersFromConfig(config.Notifications{}, env(map[string]string{SlackSecretEnv: secretARN}), Clients{}); err == nil {
		t.Error("a Slack secret without a Secrets Manager client is accepted")
	}
}

func TestEmailOnFailureFalseKeepsRunFailuresOutOfEmailOnly(t *testing.T) {
	pub := &fakePublish{}
	ss, err := SendersFromConfig(config.Notifications{SNSTopicARN: "arn:aws:sns:us-east-1:111122223333:alerts", EmailOnFailure: false}, nil, Clients{SNS: pub})
	if err != nil {
		t.Fatal(err)
	}
	alerts := []Alert{
		{Kind: KindRunFailed, Severity: Critical, Title: "run failed"},
		{Kind: KindCostOver, Severity: Warning, Title: "cost"},
	}
	sent, err := Send(context.Background(), alerts, ss...)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].Kind != KindCostOver || len(pub.subjects) != 1 {
		t.Errorf("sent %+v, published %v; want only the cost alert", sent, pub.subjects)
	}

	pub2 := &fakePublish{}
	ss, _ = SendersFromConfig(config.Notifications{SNSTopicARN: "arn:aws:sns:us-east-1:111122223333:alerts", EmailOnFailure: true}, nil, Clients{SNS: pub2})
	if sent, _ := Send(context.Background(), alerts, ss...); len(sent) != 2 {
		t.Errorf("with email_on_failure, sent %+v", sent)
	}
}

func TestFindingsThresholdFromTheEnvironment(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == FindingsThresholdEnv {
				return v
			}
			return ""
		}
	}
	th, err := ThresholdsFromConfig(nil, env("25"))
	if err != nil || th.SecurityFindings != 25 {
		t.Fatalf("SECURITY_FINDINGS_THRESHOLD=25: %+v, %v", th, err)
	}
	for _, bad := range []string{"-1", "ten", "2.5"} {
		if _, err := ThresholdsFromConfig(nil, env(bad)); err == nil || !strings.Contains(err.Error(), FindingsThresholdEnv) {
			t.Errorf("SECURITY_FINDINGS_THRESHOLD=%q: err = %v", bad, err)
		}
	}
}
