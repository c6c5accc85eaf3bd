package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// PublishAPI is the part of *sns.Client that SNS calls.
type PublishAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SNS publishes alerts to a topic whose subscribers are mostly e-mail
// addresses: the subject is the alert's title, the body plain text.
type SNS struct {
	Client   PublishAPI
	TopicARN string
}

// SNS limits: a subject is fewer than 100 characters without line breaks
// or control characters; a message is at most 256 KB.
const (
	maxSubjectRunes = 99
	maxMessageBytes = 200 << 10 // well under 256 KB, leaving room for encoding
)

// Name returns "sns".
func (s *SNS) Name() string { return "sns" }

// Send publishes a with message attributes severity and kind (and run_id),
// so subscriptions can filter, for example paging only on critical.
func (s *SNS) Send(ctx context.Context, a Alert) error {
	if s.Client == nil || s.TopicARN == "" {
		return errors.New("sns: no client or topic")
	}
	attrs := map[string]types.MessageAttributeValue{
		"severity": {DataType: aws.String("String"), StringValue: aws.String(a.Severity)},
		"kind":     {DataType: aws.String("String"), StringValue: aws.String(a.Kind)},
	}
	if a.RunID != "" {
		attrs["run_id"] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(a.RunID)}
	}
	_, err := s.Client.Publish(ctx, &sns.PublishInput{
		TopicArn:          aws.String(s.TopicARN),
		Subject:           aws.String(Subject(a)),
		Message:           aws.String(EmailBody(a)),
		MessageAttributes: attrs,
	})
	if err != nil {
		return fmt.Errorf("publish to %s: %w", s.TopicARN, err)
	}
	return nil
}

// Subject renders the e-mail subject: "[AWS Inventory] CRITICAL: <title>",
// cut to SNS's limit with control characters replaced.
func Subject(a Alert) string {
	s := "[AWS Inventory] " + strings.ToUpper(a.Severity) + ": " + a.Title
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > maxSubjectRunes {
		s = string(r[:maxSubjectRunes-3]) + "..."
	}
	return s
}

// EmailBody renders the alert as plain text.
func EmailBody(a Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n", strings.ToUpper(a.Severity), a.Title)
	if a.Text != "" {
		b.WriteString(a.Text + "\n")
	}
	if a.Code != "" {
		b.WriteString("\n" + a.Code + "\n")
	}
	if len(a.Fields) > 0 {
		b.WriteString("\n")
		for _, f := range a.Fields {
			fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
		}
	}
	fmt.Fprintf(&b, "\n--\nAWS inventory alert (%s)", a.Kind)
	if a.RunID != "" {
		fmt.Fprintf(&b, ", run %s", a.RunID)
	}
	b.WriteString("\n")
	body := b.String()
	if len(body) > maxMessageBytes {
		body = strings.ToValidUTF8(body[:maxMessageBytes], "") + "\n… (cut; see the report)\n"
	}
	return body
}
