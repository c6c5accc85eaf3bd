package notify

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// snsServer speaks the SNS query protocol: form-encoded Action=Publish in,
// PublishResponse XML out, or an ErrorResponse when deny is set.
type snsServer struct {
	mu        sync.Mutex
	published []url.Values
	deny      bool
}

func (s *snsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	if r.Form.Get("Action") != "Publish" || r.Form.Get("Version") != "2010-03-31" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>%s</Message></Error></ErrorResponse>`, r.Form.Get("Action"))
		return
	}
	if s.deny {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User is not authorized to perform: SNS:Publish</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`)
		return
	}
	s.mu.Lock()
	s.published = append(s.published, r.Form)
	n := len(s.published)
	s.mu.Unlock()
	fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>msg-%d</MessageId></PublishResult><ResponseMetadata><RequestId>r-%d</RequestId></ResponseMetadata></PublishResponse>`, n, n)
}

func newSNSClient(t *testing.T, h http.Handler) *sns.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return sns.New(sns.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
}

const topic = "arn:aws:sns:us-east-1:111122223333:aws-inventory-alerts"

func TestSNSPublishesSubjectPlainTextBodyAndSeverityAttributes(t *testing.T) {
	srv := &snsServer{}
	s := &SNS{Client: newSNSClient(t, srv), TopicARN: topic}
	a := Alert{Kind: KindRunPartial, Severity: Warning, Title: "Inventory run run-1: 1 of 8 items failed",
		Text: "Failed items:\n- finance (345678901234) / ec2_instance: failed", Code: `{"action":"collect","replay_of":"run-1"}`,
		Fields: []Field{{"Status", "partial"}}, RunID: "run-1"}
	if err := s.Send(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(srv.published) != 1 {
		t.Fatalf("published %d messages", len(srv.published))
	}
	f := srv.published[0]
	if f.Get("TopicArn") != topic {
		t.Errorf("TopicArn = %q", f.Get("TopicArn"))
	}
	if f.Get("Subject") != "[AWS Inventory] WARNING: Inventory run run-1: 1 of 8 items failed" {
		t.Errorf("Subject = %q", f.Get("Subject"))
	}
	msg := f.Get("Message")
	for _, want := range []string{"WARNING: Inventory run run-1", "- finance (345678901234) / ec2_instance: failed",
		`{"action":"collect","replay_of":"run-1"}`, "Status: partial", "AWS inventory alert (run_partial), run run-1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	attrs := map[string]string{}
	for i := 1; f.Get(fmt.Sprintf("MessageAttributes.entry.%d.Name", i)) != ""; i++ {
		p := fmt.Sprintf("MessageAttributes.entry.%d.", i)
		if dt := f.Get(p + "Value.DataType"); dt != "String" {
			t.Errorf("attribute %s DataType %q", f.Get(p+"Name"), dt)
		}
		attrs[f.Get(p+"Name")] = f.Get(p + "Value.StringValue")
	}
	if attrs["severity"] != "warning" || attrs["kind"] != "run_partial" || attrs["run_id"] != "run-1" {
		t.Errorf("message attributes = %v", attrs)
	}
}

func TestSNSErrorsNameTheTopicAndKeepTheAWSCode(t *testing.T) {
	s := &SNS{Client: newSNSClient(t, &snsServer{deny: true}), TopicARN: topic}
	err := s.Send(context.Background(), Alert{Kind: KindCostOver, Severity: Warning, Title: "t", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), topic) || !strings.Contains(err.Error(), "AuthorizationError") {
		t.Fatalf("err = %v", err)
	}
}

func TestSubjectStaysWithinSNSLimits(t *testing.T) {
	long := Alert{Severity: Critical, Title: strings.Repeat("é", 150) + "\nline two\t"}
	s := Subject(long)
	if n := utf8.RuneCountInString(s); n >= 100 {
		t.Errorf("subject has %d characters, SNS wants fewer than 100", n)
	}
	if strings.ContainsAny(s, "\n\t\r") {
		t.Errorf("subject has control characters: %q", s)
	}
	if !strings.HasSuffix(s, "...") {
		t.Errorf("a cut subject does not say so: %q", s)
	}
}
