// Package security evaluates inventory records against security checks,
// scores the result and keeps the history of findings. Each check is a pure
// function of one record and a read-only index of the inventory (for the
// few rules that need another record: an instance's security groups, a
// bucket's account-level public access block), so a check can be tested on
// hand-written records and the same findings come out of a local run and
// the deployed pipeline.
package security

import (
	"slices"
	"sync"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Severity of a failed check. Weights drive the compliance score.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Weight is how much a check of this severity counts in the score.
func (s Severity) Weight() float64 {
	switch s {
	case Critical:
		return 10
	case High:
		return 5
	case Medium:
		return 2
	}
	return 1
}

// AtLeast reports whether s is as severe as min or more.
func (s Severity) AtLeast(min Severity) bool { return s.Weight() >= min.Weight() }

// Severities lists the severities, most severe first.
var Severities = []Severity{Critical, High, Medium, Low}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, bool) {
	for _, v := range Severities {
		if string(v) == s {
			return v, true
		}
	}
	return "", false
}

// Status of one check on one resource.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Unknown: the record lacks what the check needs (the collector could
	// not read it, or a record the check looks up is not in the inventory).
	// It is reported, never counted as a pass.
	Unknown Status = "unknown"
	// NotApplicable: the rule does not concern this resource (a Lambda
	// function without a URL, a non-default security group, an Aurora
	// instance whose encryption belongs to its cluster). It is neither a
	// finding nor counted in the score.
	NotApplicable Status = "not_applicable"
)

// Kind groups checks the way the seed's report does (unencrypted and
// public resources) and a security reader expects.
type Kind string

const (
	Encryption Kind = "encryption"
	Exposure   Kind = "exposure"
	Identity   Kind = "identity"
	Logging    Kind = "logging"
	Hardening  Kind = "hardening"
	Resilience Kind = "resilience"
	Hygiene    Kind = "hygiene"
)

// Check is one rule.
type Check struct {
	ID           string
	Title        string
	Severity     Severity
	Kind         Kind
	ResourceType string
	// CIS is the CIS AWS Foundations Benchmark v3.0.0 control the check
	// supports, empty when none does.
	CIS string
	// Prowler names the Prowler checks that test the same thing (for the
	// side-by-side comparison in COVERAGE.md).
	Prowler     []string
	Remediation string
	// Eval decides the check on one record. ix gives read-only access to
	// the rest of the inventory and to the evaluation's options; it is
	// never nil during Evaluate (tests may pass NewIndex(nil, opts)).
	Eval func(r inventory.Record, ix *Index) Result
}

// Result of a check on a record; Evidence says what was seen.
type Result struct {
	Status   Status
	Evidence string
}

func pass(ev string) Result          { return Result{Pass, ev} }
func fail(ev string) Result          { return Result{Fail, ev} }
func unknown(ev string) Result       { return Result{Unknown, ev} }
func notApplicable(ev string) Result { return Result{NotApplicable, ev} }

// Checks is the registry, in a stable order.
func Checks() []Check { return slices.Clone(registry().list) }

// CheckByID returns the check with this ID.
func CheckByID(id string) (Check, bool) {
	c, ok := registry().byID[id]
	return c, ok
}

var registry = sync.OnceValue(func() (r struct {
	list []Check
	byID map[string]Check
}) {
	for _, group := range [][]Check{ec2Checks(), ebsChecks(), securityGroupChecks(), rdsChecks(), s3Checks(),
		lambdaChecks(), accountChecks(), userChecks(), loggingChecks()} {
		r.list = append(r.list, group...)
	}
	r.byID = make(map[string]Check, len(r.list))
	for _, c := range r.list {
		r.byID[c.ID] = c
	}
	return r
})
