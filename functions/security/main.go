// Command security is the Security stage: security checks over the live
// inventory, findings and compliance score.
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("security") }
