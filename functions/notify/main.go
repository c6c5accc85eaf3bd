// Command notify is the Notify stage: SNS e-mail and Slack alerts when a
// run fails or a threshold is passed.
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("notify") }
