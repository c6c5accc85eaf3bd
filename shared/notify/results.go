package notify

// CostResult is what the Cost stage reports and Evaluate reads. The stage
// returns it as JSON (its task output), so the field names are part of the
// state machine's contract.
type CostResult struct {
	RunID string `json:"run_id,omitempty"`
	// TotalMonthly is the estimated monthly cost in USD of the priced live
	// resources; with unpriced resources it is a lower bound.
	TotalMonthly     float64            `json:"total_monthly_cost"`
	Priced           int                `json:"priced_resources"`
	Unpriced         int                `json:"unpriced_resources"`
	PotentialSavings float64            `json:"potential_monthly_savings,omitempty"`
	ByDepartment     map[string]float64 `json:"cost_by_department,omitempty"`
	// Top lists the most expensive resources, most expensive first.
	Top []CostedResource `json:"top_resources,omitempty"`
}

// CostedResource is one priced resource.
type CostedResource struct {
	ResourceType string  `json:"resource_type"`
	ResourceID   string  `json:"resource_id"`
	Name         string  `json:"name,omitempty"`
	AccountID    string  `json:"account_id"`
	AccountName  string  `json:"account_name,omitempty"`
	Region       string  `json:"region"`
	Department   string  `json:"department,omitempty"`
	Monthly      float64 `json:"estimated_monthly_cost"`
}

// SecurityResult is what the Security stage reports and Evaluate reads.
type SecurityResult struct {
	RunID string `json:"run_id,omitempty"`
	// Findings counts every finding (a resource may have several).
	Findings     int `json:"findings"`
	HighSeverity int `json:"high_severity"`
	// NewHigh counts high-severity findings not present in the previous
	// check, the ones worth waking someone for.
	NewHigh int `json:"new_high_severity"`
	// NewFindings and PreviousOpen (open findings before this check; 0 on
	// a first check) keep the threshold alert from repeating for the same
	// open findings.
	NewFindings  int `json:"new_findings"`
	PreviousOpen int `json:"previous_open_findings"`
	// ComplianceScore is 0–100: the share of checked resources without findings.
	ComplianceScore float64 `json:"compliance_score"`
	Unencrypted     int     `json:"unencrypted"`
	Public          int     `json:"public"`
	// NewHighFindings lists the new high-severity findings (or the first
	// of them), for the alert text.
	NewHighFindings []Finding `json:"new_high_severity_findings,omitempty"`
}

// Finding is one security problem on one resource.
type Finding struct {
	Check        string `json:"check"`
	Severity     string `json:"severity"`
	ResourceType string `json:"resource_type"`
	ResourceID   string `json:"resource_id"`
	AccountID    string `json:"account_id"`
	AccountName  string `json:"account_name,omitempty"`
	Region       string `json:"region"`
	Detail       string `json:"detail,omitempty"`
}
