package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// csvHeader is the export's column order: the seed's record fields, then the
// attributes most people filter on, then every attribute as JSON so nothing
// collected is lost in a spreadsheet.
var csvHeader = []string{
	"resource_type", "resource_id", "arn", "account_id", "account_name", "department", "region",
	"name", "state", "collected_at", "first_seen", "last_seen", "deleted_at",
	"estimated_monthly_cost", "cost_basis", "tags", "attributes",
}

// WriteCSV writes records as CSV with a header row. The CLI's export and the
// reports in S3 both use it, so a finance spreadsheet reads either.
func WriteCSV(w io.Writer, recs []inventory.Record) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, r := range recs {
		attrs, err := json.Marshal(r.Attributes)
		if err != nil {
			return fmt.Errorf("record %s: %w", r.Key(), err)
		}
		cost := ""
		if r.EstimatedMonthlyCost != nil {
			cost = strconv.FormatFloat(*r.EstimatedMonthlyCost, 'f', 2, 64)
		}
		deleted := ""
		if r.DeletedAt != nil {
			deleted = ts(*r.DeletedAt)
		}
		state, _ := r.Attributes["state"].(string)
		if err := cw.Write([]string{
			r.ResourceType, r.ResourceID, r.ARN, r.AccountID, r.AccountName, r.Department, r.Region,
			r.Name(), state, ts(r.CollectedAt), ts(r.FirstSeen), ts(r.LastSeen), deleted,
			cost, r.CostBasis, tagString(r.Tags()), string(attrs),
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes records as an indented JSON array with the seed's field
// names; no records is "[]", never "null", so jq pipelines keep working.
func WriteJSON(w io.Writer, recs []inventory.Record) error {
	if recs == nil {
		recs = []inventory.Record{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(recs)
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func tagString(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return strings.Join(parts, ";")
}
