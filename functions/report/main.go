// Command report is the Report stage: CSV, JSON and HTML reports of a run
// to the reports bucket.
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("report") }
