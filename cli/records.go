package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
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

func writeCSV(w io.Writer, recs []inventory.Record) error {
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

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeTable prints the columns people scan for; --format json has everything.
func writeTable(w io.Writer, recs []inventory.Record) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tID\tNAME\tACCOUNT\tREGION\tDEPARTMENT\tSTATE\tLAST SEEN")
	for _, r := range recs {
		state, _ := r.Attributes["state"].(string)
		if r.DeletedAt != nil {
			state = "deleted"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ResourceType, r.ResourceID, dash(r.Name()),
			r.AccountName+" ("+r.AccountID+")", r.Region, r.Department, dash(state), r.LastSeen.Format("2006-01-02 15:04"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d resources\n", len(recs))
	return err
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

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
