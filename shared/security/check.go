// Package security evaluates inventory records against security checks and
// scores the result. Each check is a pure function of one record, so a check
// can be tested on a hand-written record and the same findings come out of a
// local run and the deployed pipeline.
package security

import (
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

// Status of one check on one resource.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Unknown: the record lacks what the check needs (the collector could
	// not read it). It is reported, never counted as a pass.
	Unknown Status = "unknown"
)

// Kind groups checks the way the seed's report does.
type Kind string

const (
	Encryption Kind = "encryption"
	Exposure   Kind = "exposure"
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
	CIS         string
	Remediation string
	Eval        func(r inventory.Record) Result
}

// Result of a check on a record; Evidence says what was seen.
type Result struct {
	Status   Status
	Evidence string
}

func pass(ev string) Result    { return Result{Pass, ev} }
func fail(ev string) Result    { return Result{Fail, ev} }
func unknown(ev string) Result { return Result{Unknown, ev} }

// Checks is the registry, in a stable order.
func Checks() []Check {
	var all []Check
	all = append(all, ec2Checks()...)
	all = append(all, rdsChecks()...)
	all = append(all, s3Checks()...)
	all = append(all, lambdaChecks()...)
	return all
}
