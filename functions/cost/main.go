// Command cost is the Cost stage: monthly cost of the live inventory,
// priced and unpriced resources.
package main

import "github.com/cloudinv/aws-inventory/functions/internal/lambdastart"

func main() { lambdastart.Start("cost") }
