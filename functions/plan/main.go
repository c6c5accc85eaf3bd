// Command plan is the Plan stage: config and Organizations discovery become
// work items (one per account × resource type), written to the work bucket
// for the Distributed Map.
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("plan") }
