package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Slack posts alerts to an incoming webhook as Block Kit messages.
type Slack struct {
	// Client posts the messages; nil uses one with a 10-second timeout.
	Client *http.Client
	// Webhook returns the webhook URL (SecretWebhook, StaticWebhook).
	Webhook func(ctx context.Context) (string, error)
}

const (
	slackTimeout = 10 * time.Second
	// maxRetryWait caps how long a rate-limited post waits before its one
	// retry; longer waits are left to the next run rather than holding the
	// Lambda.
	maxRetryWait = 5 * time.Second
	// Block Kit limits.
	maxHeaderRunes  = 150
	maxSectionRunes = 3000
	maxFieldRunes   = 2000
	maxFieldsPerSec = 10
	maxErrBody      = 200
)

var defaultSlackClient = &http.Client{Timeout: slackTimeout}

// Name returns "slack".
func (s *Slack) Name() string { return "slack" }

// Send posts a. A non-2xx answer is an error with the status and the start
// of Slack's answer (such as "no_service" for a revoked webhook); no error
// ever contains the webhook URL, which is a credential.
func (s *Slack) Send(ctx context.Context, a Alert) error {
	if s.Webhook == nil {
		return errors.New("no webhook configured")
	}
	webhook, err := s.Webhook(ctx)
	if err != nil {
		return err
	}
	if err := checkWebhookURL(webhook); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	body, err := json.Marshal(SlackMessage(a))
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	client := s.Client
	if client == nil {
		client = defaultSlackClient
	}
	for attempt := 1; ; attempt++ {
		wait, err := s.post(ctx, client, webhook, body)
		if err == nil || wait < 0 || attempt == 2 {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// post makes one attempt. It returns how long to wait before a retry, or
// -1 when the error is not worth retrying.
func (s *Slack) post(ctx context.Context, client *http.Client, webhook string, body []byte) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, slackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhook, bytes.NewReader(body))
	if err != nil {
		return -1, errors.New("build webhook request: invalid URL")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		return time.Second, redact(err, webhook)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return 0, nil
	}
	err = fmt.Errorf("webhook answered %s: %s", resp.Status, cleanSnippet(snippet, webhook))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return retryAfter(resp.Header.Get("Retry-After")), err
	case resp.StatusCode >= 500:
		return time.Second, err
	}
	return -1, err
}

// redact drops the URL that net/http puts into its errors.
func redact(err error, webhook string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = fmt.Errorf("POST webhook: %w", ue.Err)
	}
	if strings.Contains(err.Error(), webhook) {
		return errors.New("POST webhook: request failed")
	}
	return err
}

func retryAfter(v string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs < 0 {
		return time.Second
	}
	return min(time.Duration(secs)*time.Second, maxRetryWait)
}

// cleanSnippet makes the start of an answer safe to log: one line, short,
// never the webhook URL.
func cleanSnippet(b []byte, webhook string) string {
	s := strings.ToValidUTF8(string(b), "")
	s = strings.ReplaceAll(s, webhook, "[webhook]")
	// Slack's answers do not echo the request, but a proxy's might: the
	// path holds the token.
	if u, err := url.Parse(webhook); err == nil && len(u.Path) > 1 {
		s = strings.ReplaceAll(s, u.Path, "[webhook]")
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if s == "" {
		return "(empty body)"
	}
	return clip(s, maxErrBody)
}

// SlackMessage renders a as a Block Kit message: a header with the title, a
// section with the text, sections of fields, the snippet as code, and a
// context line. Text is the fallback shown in notifications.
func SlackMessage(a Alert) map[string]any {
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "emoji": true,
			"text": clip(severityEmoji(a.Severity)+" "+a.Title, maxHeaderRunes)}},
	}
	if a.Text != "" {
		blocks = append(blocks, mrkdwnSection(clip(slackEscape(a.Text), maxSectionRunes)))
	}
	for start := 0; start < len(a.Fields); start += maxFieldsPerSec {
		var fields []any
		for _, f := range a.Fields[start:min(start+maxFieldsPerSec, len(a.Fields))] {
			fields = append(fields, map[string]any{"type": "mrkdwn",
				"text": clip("*"+slackEscape(f.Name)+"*\n"+slackEscape(f.Value), maxFieldRunes)})
		}
		blocks = append(blocks, map[string]any{"type": "section", "fields": fields})
	}
	if a.Code != "" {
		// Leave room for the fences inside the section limit.
		blocks = append(blocks, mrkdwnSection("```"+clip(slackEscape(a.Code), maxSectionRunes-6)+"```"))
	}
	ctx := "Severity *" + slackEscape(a.Severity) + "* · " + slackEscape(a.Kind)
	if a.RunID != "" {
		ctx += " · run `" + slackEscape(a.RunID) + "`"
	}
	blocks = append(blocks, map[string]any{"type": "context", "elements": []any{
		map[string]any{"type": "mrkdwn", "text": ctx + " · AWS inventory"},
	}})
	return map[string]any{
		"text":   strings.ToUpper(a.Severity) + ": " + slackEscape(a.Title),
		"blocks": blocks,
	}
}

func mrkdwnSection(text string) map[string]any {
	return map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": text}}
}

// slackEscape escapes the three characters Slack's mrkdwn treats as markup
// (links and mentions), so resource names cannot ping a channel.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func severityEmoji(sev string) string {
	switch sev {
	case Critical:
		return ":rotating_light:"
	case Warning:
		return ":warning:"
	}
	return ":information_source:"
}
