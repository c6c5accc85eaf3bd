package security

import (
	"math"
	"sort"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Finding is a failed (or undecidable) check on one resource. ID is stable
// across runs (check + resource key), so a later run can tell new findings
// from ones already reported.
type Finding struct {
	ID           string   `json:"finding_id"`
	CheckID      string   `json:"check_id"`
	Title        string   `json:"title"`
	Severity     Severity `json:"severity"`
	Kind         Kind     `json:"kind"`
	CIS          string   `json:"cis,omitempty"`
	Status       Status   `json:"status"`
	Evidence     string   `json:"evidence"`
	Remediation  string   `json:"remediation"`
	ResourceType string   `json:"resource_type"`
	ResourceID   string   `json:"resource_id"`
	ARN          string   `json:"arn,omitempty"`
	AccountID    string   `json:"account_id"`
	AccountName  string   `json:"account_name,omitempty"`
	Department   string   `json:"department,omitempty"`
	Region       string   `json:"region"`
}

// Report is the outcome of evaluating an inventory. Its first three fields
// are the seed's security report shape.
type Report struct {
	UnencryptedResources int              `json:"unencrypted_resources"`
	PublicResources      int              `json:"public_resources"`
	ComplianceScore      float64          `json:"compliance_score"`
	ResourcesEvaluated   int              `json:"resources_evaluated"`
	ChecksRun            int              `json:"checks_run"`
	Failed               int              `json:"findings"`
	Unknown              int              `json:"unknown"`
	BySeverity           map[Severity]int `json:"findings_by_severity"`
	// Findings lists failed checks first (most severe first), then unknowns.
	Findings []Finding `json:"findings_list"`
}

// Evaluate runs every check that applies to each record. The compliance
// score is 100 × (weight of passed checks) ÷ (weight of decided checks),
// weights by severity, so one open database counts more than ten buckets
// without access logs; undecidable checks are left out of the score and
// listed as unknown.
func Evaluate(recs []inventory.Record) Report {
	checks := Checks()
	byType := map[string][]Check{}
	for _, c := range checks {
		byType[c.ResourceType] = append(byType[c.ResourceType], c)
	}
	rep := Report{ChecksRun: len(checks), BySeverity: map[Severity]int{}}
	var passed, decided float64
	for _, r := range recs {
		cs := byType[r.ResourceType]
		if len(cs) == 0 || r.DeletedAt != nil {
			continue
		}
		rep.ResourcesEvaluated++
		var unencrypted, public bool
		for _, c := range cs {
			res := c.Eval(r)
			switch res.Status {
			case Pass:
				passed += c.Severity.Weight()
				decided += c.Severity.Weight()
				continue
			case Fail:
				decided += c.Severity.Weight()
				rep.Failed++
				rep.BySeverity[c.Severity]++
				unencrypted = unencrypted || c.Kind == Encryption
				public = public || c.Kind == Exposure
			case Unknown:
				rep.Unknown++
			}
			rep.Findings = append(rep.Findings, finding(c, r, res))
		}
		if unencrypted {
			rep.UnencryptedResources++
		}
		if public {
			rep.PublicResources++
		}
	}
	rep.ComplianceScore = 100
	if decided > 0 {
		rep.ComplianceScore = math.Round(1000*passed/decided) / 10
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if (a.Status == Fail) != (b.Status == Fail) {
			return a.Status == Fail
		}
		if a.Severity.Weight() != b.Severity.Weight() {
			return a.Severity.Weight() > b.Severity.Weight()
		}
		return a.ID < b.ID
	})
	return rep
}

func finding(c Check, r inventory.Record, res Result) Finding {
	return Finding{
		ID:      c.ID + "/" + r.AccountID + "/" + r.Region + "/" + r.ResourceID,
		CheckID: c.ID, Title: c.Title, Severity: c.Severity, Kind: c.Kind, CIS: c.CIS,
		Status: res.Status, Evidence: res.Evidence, Remediation: c.Remediation,
		ResourceType: r.ResourceType, ResourceID: r.ResourceID, ARN: r.ARN,
		AccountID: r.AccountID, AccountName: r.AccountName, Department: r.Department, Region: r.Region,
	}
}
