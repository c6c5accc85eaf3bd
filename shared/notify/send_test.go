package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type recorder struct {
	name string
	fail error
	got  []string
}

func (r *recorder) Name() string { return r.name }

func (r *recorder) Send(_ context.Context, a Alert) error {
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, a.Kind)
	return nil
}

func TestSendTriesEverySenderAndJoinsTheirErrors(t *testing.T) {
	broken := &recorder{name: "slack", fail: errors.New("webhook answered 404 Not Found: no_service")}
	mail := &recorder{name: "sns"}
	alerts := []Alert{{Kind: KindRunFailed}, {Kind: KindCostOver}}
	sent, err := Send(context.Background(), alerts, broken, mail)
	if len(sent) != 2 || sent[0] != (Delivery{Sender: "sns", Kind: KindRunFailed}) {
		t.Errorf("sent = %+v", sent)
	}
	if strings.Join(mail.got, ",") != "run_failed,cost_over_threshold" {
		t.Errorf("sns got %v despite the broken Slack", mail.got)
	}
	if err == nil || !strings.Contains(err.Error(), "slack: run_failed alert: webhook answered 404") ||
		!strings.Contains(err.Error(), "slack: cost_over_threshold alert") || !errors.Is(err, broken.fail) {
		t.Errorf("err = %v", err)
	}
	if sent, err := Send(context.Background(), nil, mail); len(sent) != 0 || err != nil {
		t.Errorf("no alerts: %v, %v", sent, err)
	}
}
