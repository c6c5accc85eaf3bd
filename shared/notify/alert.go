// Package notify decides which alerts a run deserves (Evaluate, against the
// seed's thresholds) and delivers them by SNS (e-mail subscribers) and
// Slack. Alerts are plain data, so the Notify stage returns them in its
// output and a test can assert them without a network.
package notify

// Severities, most urgent first.
const (
	Critical = "critical"
	Warning  = "warning"
	Info     = "info"
)

// Alert kinds: what happened. Subscribers can filter on them (SNS message
// attribute "kind").
const (
	KindRunFailed          = "run_failed"
	KindRunPartial         = "run_partial"
	KindRunCancelled       = "run_cancelled"
	KindCostOver           = "cost_over_threshold"
	KindExpensiveResources = "expensive_resources"
	KindFindingsOver       = "security_findings_over_threshold"
	KindNewHighSeverity    = "new_high_severity_findings"
)

// Alert is one message to the people who run the inventory.
type Alert struct {
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	// Text is plain text; senders escape it for their medium.
	Text   string  `json:"text"`
	Fields []Field `json:"fields,omitempty"`
	// Code is a snippet to copy as it is (the replay input), shown verbatim.
	Code  string `json:"code,omitempty"`
	RunID string `json:"run_id,omitempty"`
}

// Field is one labelled value shown beside the text.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// isRunProblem reports whether a is about a collection that did not
// complete: what notifications.email_on_failure governs.
func isRunProblem(a Alert) bool {
	switch a.Kind {
	case KindRunFailed, KindRunPartial, KindRunCancelled:
		return true
	}
	return false
}

func severityRank(s string) int {
	switch s {
	case Critical:
		return 0
	case Warning:
		return 1
	}
	return 2
}
