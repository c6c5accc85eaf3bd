package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

func newQuery(g *globals) *cobra.Command {
	var (
		ff     filterFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "query",
		Short: "List resources matching filters, as a table, JSON or CSV",
		Long: `query lists the live inventory (add --include-deleted for resources no longer
found). Filters of different kinds combine with AND; repeating a filter ORs
its values. JSON output is an array of records with the seed's field names.`,
		Example: `  inventory query --resource-type rds_instance --region us-east-1 --format json
  inventory query --department Marketing --format json | jq '.[] | select(.attributes.state == "stopped")'
  inventory query --tag Environment=prod --since 7d --format csv > prod.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" && format != "csv" {
				return usagef("--format %q: expected table, json or csv", format)
			}
			recs, err := queryRecords(cmd, g, &ff)
			if err != nil {
				return err
			}
			switch format {
			case "json":
				return writeJSON(g.stdout, recs)
			case "csv":
				return writeCSV(g.stdout, recs)
			}
			return writeTable(g.stdout, recs)
		},
	}
	ff.add(cmd)
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or csv")
	return cmd
}

func queryRecords(cmd *cobra.Command, g *globals, ff *filterFlags) ([]inventory.Record, error) {
	f, err := ff.filter(time.Now().UTC())
	if err != nil {
		return nil, err
	}
	st, err := openReadStore(cmd, g)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	recs, err := st.Query(cmd.Context(), f)
	if err != nil {
		return nil, err
	}
	if recs == nil {
		recs = []inventory.Record{} // JSON "[]", not "null", for jq
	}
	return recs, nil
}

func newExport(g *globals) *cobra.Command {
	var (
		ff     filterFlags
		output string
	)
	cmd := &cobra.Command{
		Use:   "export --output FILE.csv",
		Short: "Export resources matching filters to a CSV file",
		Example: `  inventory export --resource-type ec2_instance --department Engineering --output ec2-engineering.csv
  inventory export --output - | head`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" {
				return usagef("--output is required (a .csv file, or - for standard output)")
			}
			recs, err := queryRecords(cmd, g, &ff)
			if err != nil {
				return err
			}
			if output == "-" {
				return writeCSV(g.stdout, recs)
			}
			// Write beside the target and rename, so an interrupted export
			// never leaves a truncated file where a good one was.
			tmp, err := os.CreateTemp(filepath.Dir(output), ".inventory-export-*.csv")
			if err != nil {
				return fmt.Errorf("export to %s: %w", output, err)
			}
			defer os.Remove(tmp.Name())
			if err := writeCSV(tmp, recs); err != nil {
				tmp.Close()
				return fmt.Errorf("export to %s: %w", output, err)
			}
			if err := tmp.Close(); err != nil {
				return fmt.Errorf("export to %s: %w", output, err)
			}
			if err := os.Rename(tmp.Name(), output); err != nil {
				return fmt.Errorf("export to %s: %w", output, err)
			}
			fmt.Fprintf(g.stderr, "wrote %d resources to %s\n", len(recs), output)
			return nil
		},
	}
	ff.add(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "", "CSV file to write (- for standard output)")
	return cmd
}
