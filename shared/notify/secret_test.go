package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

const secretARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:inventory/slack-AbCdEf"

// secretsServer speaks Secrets Manager's JSON 1.1 protocol for
// GetSecretValue, answering with value, or ResourceNotFoundException when
// value is empty.
func secretsServer(t *testing.T, value string, calls *atomic.Int32) *secretsmanager.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		var in struct{ SecretId string }
		if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || json.NewDecoder(r.Body).Decode(&in) != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"__type":"InvalidRequestException","Message":"bad request"}`)
			return
		}
		if value == "" || in.SecretId != secretARN {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"ARN": secretARN, "Name": "inventory/slack", "SecretString": value, "VersionId": "v1"})
	}))
	t.Cleanup(srv.Close)
	return secretsmanager.New(secretsmanager.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
}

func TestSecretWebhookReadsAURLOrJSONAndCachesIt(t *testing.T) {
	const hook = "https://hooks.slack.com/services/T000/B000/SECRETTOKEN"
	for _, value := range []string{hook, " " + hook + "\n", `{"webhook_url": "` + hook + `"}`, `{"slack_webhook_url":"` + hook + `","channel":"#ops"}`} {
		var calls atomic.Int32
		get := SecretWebhook(secretsServer(t, value, &calls), secretARN)
		for range 3 {
			got, err := get(context.Background())
			if err != nil || got != hook {
				t.Fatalf("secret %q: got %q, %v", value, got, err)
			}
		}
		if calls.Load() != 1 {
			t.Errorf("secret %q: %d GetSecretValue calls for 3 uses, want 1 (cached)", value, calls.Load())
		}
	}
}

func TestSecretWebhookErrorsNameTheSecretButNeverItsValue(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"", "ResourceNotFoundException"},
		{"not a url SECRETTOKEN", "not a URL"},
		{"http://hooks.slack.com/services/SECRETTOKEN", `"http"`},
		{`{"webhook": "https://hooks.slack.com/services/SECRETTOKEN"}`, `no "webhook_url"`},
		{`{"webhook_url": "https://hooks.slack.com/services/SECRETTOKEN"`, "neither a URL nor valid JSON"},
	} {
		var calls atomic.Int32
		get := SecretWebhook(secretsServer(t, tc.value, &calls), secretARN)
		_, err := get(context.Background())
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), secretARN) {
			t.Errorf("secret %q: err = %v, want one naming the secret and containing %q", tc.value, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "SECRETTOKEN") {
			t.Errorf("secret %q: error leaks the value: %v", tc.value, err)
		}
		// Failures are not cached: a fixed secret is picked up next time.
		get(context.Background())
		if calls.Load() != 2 {
			t.Errorf("secret %q: a failure was cached (%d calls)", tc.value, calls.Load())
		}
	}
}
