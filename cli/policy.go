package main

import (
	"github.com/spf13/cobra"

	"github.com/cloudinv/aws-inventory/shared/collect/registry"
)

// newPolicy prints the member role's permissions policy, derived from what
// the collectors declare they call, so the role never drifts from the code.
func newPolicy(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "iam-policy",
		Short: "Print the read-only IAM policy the member-account role needs",
		Example: `  inventory iam-policy > member-policy.json
  aws iam put-role-policy --role-name AWSInventoryRole --policy-name inventory-read --policy-document file://member-policy.json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return writeJSON(g.stdout, map[string]any{
				"Version": "2012-10-17",
				"Statement": []map[string]any{{
					"Sid":      "InventoryRead",
					"Effect":   "Allow",
					"Action":   registry.Actions(),
					"Resource": "*",
				}},
			})
		},
	}
}
