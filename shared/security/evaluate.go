package security

import (
	"math"
	"sort"
	"time"

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
	Name         string   `json:"name,omitempty"`
	ARN          string   `json:"arn,omitempty"`
	AccountID    string   `json:"account_id"`
	AccountName  string   `json:"account_name,omitempty"`
	Department   string   `json:"department,omitempty"`
	Region       string   `json:"region"`
}

// FindingID is the stable identity of a check's finding on a resource.
func FindingID(checkID string, k inventory.Key) string {
	return checkID + "/" + k.AccountID + "/" + k.Region + "/" + k.ResourceID
}

// Report is the outcome of evaluating an inventory. Its first three fields
// are the seed's security report shape (as counts; the CLI lists them).
type Report struct {
	UnencryptedResources int     `json:"unencrypted_resources"`
	PublicResources      int     `json:"public_resources"`
	ComplianceScore      float64 `json:"compliance_score"`
	// EvaluatedAt is the evaluation time (Options.Now).
	EvaluatedAt        time.Time        `json:"evaluated_at"`
	Options            Options          `json:"options"`
	ResourcesEvaluated int              `json:"resources_evaluated"`
	ChecksRun          int              `json:"checks_run"`
	Passed             int              `json:"passed"`
	Failed             int              `json:"findings"`
	Unknown            int              `json:"unknown"`
	BySeverity         map[Severity]int `json:"findings_by_severity"`
	// Scores, worst first: one per account, department and resource type.
	ByAccount    []Score `json:"by_account"`
	ByDepartment []Score `json:"by_department"`
	ByType       []Score `json:"by_resource_type"`
	// ByCheck counts each check's results, the failures that cost the
	// score most first (count × severity weight).
	ByCheck []CheckSummary `json:"by_check"`
	// Findings lists failed checks first (most severe first), then unknowns.
	Findings []Finding `json:"findings_list"`
}

// Score is the compliance score of a group of resources.
type Score struct {
	Key string `json:"key"`
	// Name is the account name (by_account only).
	Name string `json:"name,omitempty"`
	// Score is 0–100, nil when no check of the group could be decided.
	Score     *float64 `json:"compliance_score"`
	Resources int      `json:"resources"`
	Passed    int      `json:"passed"`
	Failed    int      `json:"failed"`
	Unknown   int      `json:"unknown"`
	Critical  int      `json:"critical,omitempty"`
	High      int      `json:"high,omitempty"`

	passedWeight, decidedWeight float64
}

// CheckSummary counts one check's results over the inventory.
type CheckSummary struct {
	CheckID      string   `json:"check_id"`
	Title        string   `json:"title"`
	Severity     Severity `json:"severity"`
	CIS          string   `json:"cis,omitempty"`
	ResourceType string   `json:"resource_type"`
	Passed       int      `json:"passed"`
	Failed       int      `json:"failed"`
	Unknown      int      `json:"unknown"`
}

// Evaluate runs every check on the live records with the default options.
func Evaluate(recs []inventory.Record) Report { return EvaluateWith(recs, Options{}) }

// EvaluateWith runs every check that applies to each live record. The
// compliance score is 100 × (weight of passed checks) ÷ (weight of decided
// checks), weights by severity, so one open database counts more than ten
// buckets without access logs; undecidable checks are left out of the
// score and listed as unknown, not-applicable ones are left out entirely.
// The same score is computed per account, department and resource type.
func EvaluateWith(recs []inventory.Record, o Options) Report {
	o.Now = o.now()
	checks := Checks()
	byType := map[string][]Check{}
	for _, c := range checks {
		byType[c.ResourceType] = append(byType[c.ResourceType], c)
	}
	ix := NewIndex(recs, o)
	rep := Report{ChecksRun: len(checks), BySeverity: map[Severity]int{}, EvaluatedAt: o.Now, Options: o}
	total := &Score{}
	accounts, depts, types := scoreSet{}, scoreSet{}, scoreSet{}
	summaries := map[string]*CheckSummary{}
	for _, c := range checks {
		summaries[c.ID] = &CheckSummary{CheckID: c.ID, Title: c.Title, Severity: c.Severity, CIS: c.CIS, ResourceType: c.ResourceType}
	}
	for _, r := range recs {
		cs := byType[r.ResourceType]
		if len(cs) == 0 || r.DeletedAt != nil {
			continue
		}
		rep.ResourcesEvaluated++
		groups := []*Score{total, accounts.get(r.AccountID, r.AccountName), depts.get(r.Department, ""), types.get(r.ResourceType, "")}
		for _, g := range groups {
			g.Resources++
		}
		var unencrypted, public bool
		for _, c := range cs {
			res := c.Eval(r, ix)
			if res.Status == NotApplicable {
				continue
			}
			for _, g := range groups {
				g.add(c.Severity, res.Status)
			}
			summaries[c.ID].add(res.Status)
			switch res.Status {
			case Pass:
				rep.Passed++
				continue
			case Fail:
				rep.Failed++
				rep.BySeverity[c.Severity]++
				unencrypted = unencrypted || c.Kind == Encryption
				public = public || c.Kind == Exposure
			default:
				rep.Unknown++
			}
			rep.Findings = append(rep.Findings, newFinding(c, r, res))
		}
		if unencrypted {
			rep.UnencryptedResources++
		}
		if public {
			rep.PublicResources++
		}
	}
	rep.ComplianceScore = 100
	if s := total.score(); s != nil {
		rep.ComplianceScore = *s
	}
	rep.ByAccount, rep.ByDepartment, rep.ByType = accounts.sorted(), depts.sorted(), types.sorted()
	for _, c := range checks {
		rep.ByCheck = append(rep.ByCheck, *summaries[c.ID])
	}
	// Most costly first: failures weighted by severity (what they take
	// off the score), then by count.
	sort.SliceStable(rep.ByCheck, func(i, j int) bool {
		a, b := rep.ByCheck[i], rep.ByCheck[j]
		if wa, wb := float64(a.Failed)*a.Severity.Weight(), float64(b.Failed)*b.Severity.Weight(); wa != wb {
			return wa > wb
		}
		return a.Failed > b.Failed
	})
	SortFindings(rep.Findings)
	return rep
}

// SortFindings orders failed findings first, most severe first, then by ID.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if (a.Status == Fail) != (b.Status == Fail) {
			return a.Status == Fail
		}
		if a.Severity.Weight() != b.Severity.Weight() {
			return a.Severity.Weight() > b.Severity.Weight()
		}
		return a.ID < b.ID
	})
}

func newFinding(c Check, r inventory.Record, res Result) Finding {
	return Finding{
		ID:      FindingID(c.ID, r.Key()),
		CheckID: c.ID, Title: c.Title, Severity: c.Severity, Kind: c.Kind, CIS: c.CIS,
		Status: res.Status, Evidence: clip(res.Evidence, maxEvidenceBytes), Remediation: c.Remediation,
		ResourceType: r.ResourceType, ResourceID: r.ResourceID, Name: r.Name(), ARN: r.ARN,
		AccountID: r.AccountID, AccountName: r.AccountName, Department: r.Department, Region: r.Region,
	}
}

// maxEvidenceBytes bounds a finding's evidence (in reports, state and the
// history documents).
const maxEvidenceBytes = 240

func (s *CheckSummary) add(st Status) {
	switch st {
	case Pass:
		s.Passed++
	case Fail:
		s.Failed++
	case Unknown:
		s.Unknown++
	}
}

func (s *Score) add(sev Severity, st Status) {
	switch st {
	case Pass:
		s.Passed++
		s.passedWeight += sev.Weight()
		s.decidedWeight += sev.Weight()
	case Fail:
		s.Failed++
		s.decidedWeight += sev.Weight()
		switch sev {
		case Critical:
			s.Critical++
		case High:
			s.High++
		}
	case Unknown:
		s.Unknown++
	}
}

// score is 100 × passed ÷ decided weight, one decimal; nil when nothing
// was decided.
func (s *Score) score() *float64 {
	if s.decidedWeight == 0 {
		return nil
	}
	v := math.Round(1000*s.passedWeight/s.decidedWeight) / 10
	return &v
}

type scoreSet map[string]*Score

func (ss scoreSet) get(key, name string) *Score {
	s, ok := ss[key]
	if !ok {
		s = &Score{Key: key, Name: name}
		ss[key] = s
	}
	return s
}

// sorted returns the scores worst first: undecided groups last, then by
// score, most critical and high findings, key.
func (ss scoreSet) sorted() []Score {
	out := make([]Score, 0, len(ss))
	for _, s := range ss {
		s.Score = s.score()
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Score == nil) != (b.Score == nil) {
			return b.Score == nil
		}
		if a.Score != nil && *a.Score != *b.Score {
			return *a.Score < *b.Score
		}
		if a.Critical+a.High != b.Critical+b.High {
			return a.Critical+a.High > b.Critical+b.High
		}
		return a.Key < b.Key
	})
	return out
}

// Accounts lists the accounts the report scored.
func (r Report) Accounts() []string {
	out := make([]string, 0, len(r.ByAccount))
	for _, s := range r.ByAccount {
		out = append(out, s.Key)
	}
	sort.Strings(out)
	return out
}

// CombinedScore is the score of the union of groups (the accounts a reader
// selected): nil when none of them decided anything.
func CombinedScore(ss ...Score) *float64 {
	var sum Score
	for _, s := range ss {
		sum.passedWeight += s.passedWeight
		sum.decidedWeight += s.decidedWeight
	}
	return sum.score()
}
