package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// SecretsAPI is the part of *secretsmanager.Client that SecretWebhook calls.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// SecretWebhook returns a webhook source reading the Slack webhook URL from
// a Secrets Manager secret, either the URL itself or JSON with a
// "webhook_url" member. The URL is cached for the life of the process (a
// Lambda container), so a warm invocation makes no call; a failure is not
// cached, so the next invocation tries again. Errors never contain the URL.
func SecretWebhook(client SecretsAPI, secretARN string) func(context.Context) (string, error) {
	var (
		mu     sync.Mutex
		cached string
	)
	return func(ctx context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if cached != "" {
			return cached, nil
		}
		out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretARN)})
		if err != nil {
			return "", fmt.Errorf("slack webhook secret %s: %w", secretARN, err)
		}
		if out.SecretString == nil {
			return "", fmt.Errorf("slack webhook secret %s: no secret string (binary secrets are not supported)", secretARN)
		}
		u, err := parseWebhookSecret(*out.SecretString)
		if err != nil {
			return "", fmt.Errorf("slack webhook secret %s: %w", secretARN, err)
		}
		cached = u
		return u, nil
	}
}

// StaticWebhook returns a webhook source for a URL given in the config file
// (notifications.slack_webhook_url, for local runs).
func StaticWebhook(webhookURL string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) {
		if err := checkWebhookURL(webhookURL); err != nil {
			return "", fmt.Errorf("notifications.slack_webhook_url: %w", err)
		}
		return webhookURL, nil
	}
}

func parseWebhookSecret(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		var v map[string]any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			// The JSON error could quote the secret: keep only its kind.
			return "", errors.New(`secret string is neither a URL nor valid JSON (expected {"webhook_url": "https://hooks.slack.com/..."})`)
		}
		var found string
		for _, k := range []string{"webhook_url", "slack_webhook_url", "url"} {
			if u, ok := v[k].(string); ok && u != "" {
				found = u
				break
			}
		}
		if found == "" {
			return "", errors.New(`secret JSON has no "webhook_url" string member`)
		}
		s = strings.TrimSpace(found)
	}
	if err := checkWebhookURL(s); err != nil {
		return "", err
	}
	return s, nil
}

// checkWebhookURL accepts only https URLs with a host: the URL is a
// credential and must not travel unencrypted.
func checkWebhookURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return errors.New("value is not a URL (expected https://hooks.slack.com/services/...)")
	}
	if u.Scheme != "https" {
		return fmt.Errorf("URL uses %q (expected https)", u.Scheme)
	}
	return nil
}
