package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
)

func messages(ms *[]*cxapi.SynthesisMessage) []string {
	var out []string
	for _, m := range *ms {
		out = append(out, fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data))
	}
	return out
}

// The cdk-nag gate: AwsSolutions on every stack of both apps, no
// unsuppressed error or warning.
func TestCdkNagAwsSolutionsHasNoUnsuppressedFindings(t *testing.T) {
	f, m := fixtures(t)
	nag := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
	for _, st := range []struct {
		name  string
		stack awscdk.Stack
	}{
		{"central", f.stacks.Central.Stack}, {"member role", f.stacks.MemberRole.Stack}, {"stack set", f.stacks.StackSet.Stack},
		{"minimal central", m.stacks.Central.Stack}, {"minimal stack set", m.stacks.StackSet.Stack},
	} {
		a := assertions.Annotations_FromStack(st.stack)
		if errs := a.FindError(jsii.String("*"), nag); len(*errs) > 0 {
			t.Errorf("%s: cdk-nag errors:\n%s", st.name, strings.Join(messages(errs), "\n"))
		}
		if warns := a.FindWarning(jsii.String("*"), nag); len(*warns) > 0 {
			t.Errorf("%s: cdk-nag warnings:\n%s", st.name, strings.Join(messages(warns), "\n"))
		}
	}
}

func TestSynthWarnsAboutWebhookURLAndMissingOUs(t *testing.T) {
	f, m := fixtures(t)
	has := func(stack awscdk.Stack, text string) bool {
		ws := assertions.Annotations_FromStack(stack).FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*"+text+".*")))
		return len(*ws) > 0
	}
	if !has(m.stacks.Central.Stack, "slack_webhook_url") {
		t.Error("no warning that the webhook URL is left out of the bundled config")
	}
	if !has(m.stacks.StackSet.Stack, "stackSetTargetOus is empty") {
		t.Error("no warning about a StackSet without targets")
	}
	if has(f.stacks.StackSet.Stack, "stackSetTargetOus is empty") {
		t.Error("OUs are set, yet the empty-targets warning is there")
	}
}
