package notify

import (
	"context"
	"errors"
	"fmt"
)

// Sender delivers one alert.
type Sender interface {
	// Name identifies the channel in results and errors ("sns", "slack").
	Name() string
	Send(ctx context.Context, a Alert) error
}

// Delivery records one alert delivered by one sender.
type Delivery struct {
	Sender string `json:"sender"`
	Kind   string `json:"kind"`
	Title  string `json:"title"`
}

// Send delivers every alert through every sender that wants it. A failing
// sender does not stop the others: an expired Slack webhook must not cost
// the e-mail. It returns what was delivered and every failure, joined.
func Send(ctx context.Context, alerts []Alert, senders ...Sender) ([]Delivery, error) {
	var sent []Delivery
	var errs []error
	for _, s := range senders {
		for _, a := range alerts {
			if f, ok := s.(filter); ok && !f.wants(a) {
				continue
			}
			if err := s.Send(ctx, a); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s alert: %w", s.Name(), a.Kind, err))
				continue
			}
			sent = append(sent, Delivery{Sender: s.Name(), Kind: a.Kind, Title: a.Title})
		}
	}
	return sent, errors.Join(errs...)
}

// filter is a sender that delivers only some alerts.
type filter interface {
	wants(Alert) bool
}

// Only returns s restricted to the alerts keep accepts.
func Only(s Sender, keep func(Alert) bool) Sender {
	return &only{Sender: s, keep: keep}
}

type only struct {
	Sender
	keep func(Alert) bool
}

func (o *only) wants(a Alert) bool { return o.keep(a) }

func (o *only) Send(ctx context.Context, a Alert) error {
	if !o.keep(a) {
		return nil
	}
	return o.Sender.Send(ctx, a)
}
