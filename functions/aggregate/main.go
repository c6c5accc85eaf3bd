// Command aggregate is the Aggregate stage: closes a run (resources no
// longer seen, counts, failed items and the replay input).
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("aggregate") }
