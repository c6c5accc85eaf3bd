// Command recordfailure is the RecordFailure stage: stores a failed outcome
// for a work item whose Collect never returned (timeout, crash), so the run
// reports and replays it.
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("recordfailure") }
