package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/report"
)

// writeCSV is the record export; shared/report owns the format so the CLI
// and the reports in S3 write the same columns.
func writeCSV(w io.Writer, recs []inventory.Record) error {
	return report.WriteCSV(w, recs)
}

// writeJSON prints any result as indented JSON, the same encoding
// report.WriteJSON gives records.
func writeJSON(w io.Writer, v any) error {
	if recs, ok := v.([]inventory.Record); ok {
		return report.WriteJSON(w, recs)
	}
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

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
