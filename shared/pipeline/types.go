// Package pipeline holds the stages of a collection run as plain functions
// over JSON-serializable inputs and outputs: Plan (config + discovery → work
// items), Collect (one item → records in the store), Aggregate (run summary,
// deletions, failed items and their replay input). The Lambda handlers and the
// local runner (runner.go) call exactly these functions.
package pipeline

import (
	"time"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// PlanInput is the state machine's (and the CLI's) input for a collection.
// Everything is optional: the default collects every configured type in every
// configured or discovered account.
type PlanInput struct {
	Action string `json:"action,omitempty"` // "collect" (the only action planned here)
	RunID  string `json:"run_id,omitempty"` // generated when empty
	// Accounts, ResourceTypes and Regions narrow the run.
	Accounts      []string `json:"accounts,omitempty"`
	ResourceTypes []string `json:"resource_types,omitempty"`
	Regions       []string `json:"regions,omitempty"`
	// ReplayOf and Items come from a previous run's replay_input: exactly
	// those items are collected again.
	ReplayOf string     `json:"replay_of,omitempty"`
	Items    []WorkItem `json:"items,omitempty"`
}

// WorkItem is one account × one resource type; regions run inside it.
type WorkItem struct {
	// RunID is set by Plan; replay inputs leave it out.
	RunID        string `json:"run_id,omitempty"`
	AccountID    string `json:"account_id"`
	AccountName  string `json:"account_name"`
	Department   string `json:"department,omitempty"`
	RoleName     string `json:"role_name"`
	ResourceType string `json:"resource_type"`
	// Regions restricts the item (a replay of the regions that failed, or
	// --region); empty means every enabled region not excluded by config.
	Regions []string `json:"regions,omitempty"`
}

// PlanOutput lists the run's items and the accounts left out.
type PlanOutput struct {
	RunID     string           `json:"run_id"`
	ReplayOf  string           `json:"replay_of,omitempty"`
	StartedAt time.Time        `json:"started_at"`
	Items     []WorkItem       `json:"items"`
	Skipped   []access.Skipped `json:"skipped_accounts,omitempty"`
}

// ReplayInput is a ready-to-use input that re-collects a run's failed items:
// start the state machine with it, or `inventory replay --run ID`.
type ReplayInput struct {
	Action   string `json:"action"`
	ReplayOf string `json:"replay_of"`
	// Items is empty when the list was too long for the execution output
	// (see Summary.Compact): Plan then reads the run's failed items from
	// the store.
	Items []WorkItem `json:"items,omitempty"`
}

// AggregateInput names the run to aggregate. Skipped carries Plan's skipped
// accounts through to the summary.
type AggregateInput struct {
	RunID     string           `json:"run_id"`
	Cancelled bool             `json:"cancelled,omitempty"`
	Skipped   []access.Skipped `json:"skipped_accounts,omitempty"`
}

// Summary is a run's result: what was collected, what changed, what failed.
type Summary struct {
	RunID           string       `json:"run_id"`
	ReplayOf        string       `json:"replay_of,omitempty"`
	Status          string       `json:"status"`
	StartedAt       time.Time    `json:"started_at"`
	FinishedAt      time.Time    `json:"finished_at"`
	DurationSeconds float64      `json:"duration_seconds"`
	Items           ItemCounts   `json:"items"`
	Accounts        int          `json:"accounts"`
	Collected       int          `json:"resources_collected"`
	MarkedDeleted   int          `json:"resources_marked_deleted"`
	APICalls        int64        `json:"api_calls"`
	Throttled       int64        `json:"throttled_calls"`
	Inventory       Breakdown    `json:"inventory"`
	Failed          []FailedItem `json:"failed_items,omitempty"`
	// FailedOmitted counts failed items left out of Failed by Compact.
	FailedOmitted   int              `json:"failed_items_omitted,omitempty"`
	SkippedAccounts []access.Skipped `json:"skipped_accounts,omitempty"`
	SkippedRegions  int              `json:"skipped_regions"`
	ReplayInput     *ReplayInput     `json:"replay_input,omitempty"`
}

// ItemCounts counts work items by outcome.
type ItemCounts struct {
	Total     int `json:"total"`
	Succeeded int `json:"succeeded"`
	Partial   int `json:"partial"`
	Failed    int `json:"failed"`
	NotRun    int `json:"not_run"`
}

// Breakdown counts the live inventory of the accounts a run covered.
type Breakdown struct {
	Total        int            `json:"total"`
	ByType       map[string]int `json:"by_type"`
	ByAccount    map[string]int `json:"by_account"`
	ByRegion     map[string]int `json:"by_region"`
	ByDepartment map[string]int `json:"by_department"`
}

// FailedItem is an item that did not fully succeed.
type FailedItem struct {
	AccountID     string   `json:"account_id"`
	AccountName   string   `json:"account_name"`
	ResourceType  string   `json:"resource_type"`
	Status        string   `json:"status"`
	Error         string   `json:"error"`
	FailedRegions []string `json:"failed_regions,omitempty"`
}

// outcomeOK reports whether an item status lets its successful regions be
// reconciled (records not seen there marked deleted).
func outcomeOK(status string) bool {
	return status == store.ItemSucceeded || status == store.ItemPartial
}
