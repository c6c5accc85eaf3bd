package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// slackPayload is the Block Kit subset the sender uses.
type slackPayload struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Type  string `json:"type"`
			Text  string `json:"text"`
			Emoji bool   `json:"emoji"`
		} `json:"text"`
		Fields []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"fields"`
		Elements []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"elements"`
	} `json:"blocks"`
}

// slackServer is an incoming-webhook stand-in over TLS (the sender refuses
// plain http: the URL is a credential).
func slackServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv, srv.URL + "/services/T000/B000/SECRETTOKEN"
}

func TestSlackPostsBlockKitWithHeaderFieldsCodeAndContext(t *testing.T) {
	var got slackPayload
	var contentType string
	srv, hook := slackServer(t, func(w http.ResponseWriter, r *http.Request) {
		contentType = r.Header.Get("Content-Type")
		if r.URL.Path != "/services/T000/B000/SECRETTOKEN" || r.Method != http.MethodPost {
			http.Error(w, "wrong request", http.StatusBadRequest)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "ok")
	})
	var fields []Field
	for i := range 12 {
		fields = append(fields, Field{Name: "F" + string(rune('a'+i)), Value: "v"})
	}
	s := &Slack{Client: srv.Client(), Webhook: StaticWebhook(hook)}
	a := Alert{Kind: KindRunFailed, Severity: Critical, Title: "Inventory run run-1 failed",
		Text: "Error: <@channel> & <https://evil>", Code: `{"action":"collect"}`, Fields: fields, RunID: "run-1"}
	if err := s.Send(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(contentType, "application/json") {
		t.Errorf("Content-Type = %q", contentType)
	}
	var types []string
	for _, b := range got.Blocks {
		types = append(types, b.Type)
	}
	if strings.Join(types, ",") != "header,section,section,section,section,context" {
		t.Fatalf("blocks = %v", types)
	}
	h := got.Blocks[0].Text
	if h.Type != "plain_text" || !strings.Contains(h.Text, "Inventory run run-1 failed") || !strings.HasPrefix(h.Text, ":rotating_light:") {
		t.Errorf("header = %+v", h)
	}
	if txt := got.Blocks[1].Text; txt.Type != "mrkdwn" || txt.Text != "Error: &lt;@channel&gt; &amp; &lt;https://evil&gt;" {
		t.Errorf("text section = %+v (mentions and links must be escaped)", txt)
	}
	if len(got.Blocks[2].Fields) != 10 || len(got.Blocks[3].Fields) != 2 {
		t.Errorf("fields split %d+%d, want 10+2 (Block Kit allows 10 per section)", len(got.Blocks[2].Fields), len(got.Blocks[3].Fields))
	}
	if got.Blocks[2].Fields[0].Text != "*Fa*\nv" {
		t.Errorf("field = %q", got.Blocks[2].Fields[0].Text)
	}
	if got.Blocks[4].Text.Text != "```{\"action\":\"collect\"}```" {
		t.Errorf("code section = %q", got.Blocks[4].Text.Text)
	}
	if ctx := got.Blocks[5].Elements[0].Text; !strings.Contains(ctx, "*critical*") || !strings.Contains(ctx, "run `run-1`") {
		t.Errorf("context = %q", ctx)
	}
	if got.Text != "CRITICAL: Inventory run run-1 failed" {
		t.Errorf("fallback text = %q", got.Text)
	}
}

func TestSlackNon2xxIsAnErrorWithStatusAndBodyButNeverTheURL(t *testing.T) {
	srv, hook := slackServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "no_service\n"+r.URL.String())
	})
	s := &Slack{Client: srv.Client(), Webhook: StaticWebhook(hook)}
	err := s.Send(context.Background(), Alert{Kind: KindCostOver, Severity: Warning, Title: "t"})
	if err == nil {
		t.Fatal("404 accepted")
	}
	msg := err.Error()
	if !strings.Contains(msg, "404") || !strings.Contains(msg, "no_service") {
		t.Errorf("err = %q, want the status and Slack's answer", msg)
	}
	if strings.Contains(msg, "SECRETTOKEN") {
		t.Errorf("error leaks the webhook: %q", msg)
	}
}

func TestSlackTransportErrorsDoNotLeakTheURL(t *testing.T) {
	srv, hook := slackServer(t, func(w http.ResponseWriter, r *http.Request) {})
	client := srv.Client()
	srv.Close()
	s := &Slack{Client: client, Webhook: StaticWebhook(hook)}
	err := s.Send(context.Background(), Alert{Kind: KindCostOver, Severity: Warning, Title: "t"})
	if err == nil || strings.Contains(err.Error(), "SECRETTOKEN") {
		t.Fatalf("err = %v", err)
	}
}

func TestSlackRetriesOnceWhenRateLimited(t *testing.T) {
	var calls atomic.Int32
	srv, hook := slackServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, "rate_limited")
			return
		}
		io.WriteString(w, "ok")
	})
	s := &Slack{Client: srv.Client(), Webhook: StaticWebhook(hook)}
	if err := s.Send(context.Background(), Alert{Kind: KindCostOver, Severity: Warning, Title: "t"}); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d posts, want 2", calls.Load())
	}
}

func TestSlackGivesUpOnClientErrorsAndOnTimeouts(t *testing.T) {
	var calls atomic.Int32
	srv, hook := slackServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "invalid_payload", http.StatusBadRequest)
	})
	s := &Slack{Client: srv.Client(), Webhook: StaticWebhook(hook)}
	if err := s.Send(context.Background(), Alert{Kind: KindCostOver, Severity: Warning, Title: "t"}); err == nil {
		t.Fatal("400 accepted")
	}
	if calls.Load() != 1 {
		t.Errorf("a 400 was retried (%d posts)", calls.Load())
	}

	release := make(chan struct{})
	slow, slowHook := slackServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := (&Slack{Client: slow.Client(), Webhook: StaticWebhook(slowHook)}).Send(ctx, Alert{Kind: KindCostOver, Severity: Warning, Title: "t"})
	if err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("slow webhook: err = %v after %v", err, time.Since(start))
	}
}

func TestSlackRefusesPlainHTTPWebhooks(t *testing.T) {
	s := &Slack{Webhook: func(context.Context) (string, error) { return "http://hooks.example/services/SECRETTOKEN", nil }}
	err := s.Send(context.Background(), Alert{Title: "t"})
	if err == nil || !strings.Contains(err.Error(), "https") || strings.Contains(err.Error(), "SECRETTOKEN") {
		t.Fatalf("err = %v", err)
	}
}
