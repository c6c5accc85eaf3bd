// Command collect is the Collect stage: one work item (one account × one
// resource type, its regions in parallel) collected into the store. One
// Distributed Map child each.
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("collect") }
