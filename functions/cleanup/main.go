// Command cleanup is the Cleanup stage: purges deleted resources and runs
// older than the retention period.
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("cleanup") }
