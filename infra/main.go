// Command infra is the CDK app of the AWS inventory: the central pipeline
// stack, the member role stack and the StackSet that deploys it to the
// organization's OUs. Run it through the CDK CLI from the repository root
// (cdk.json: "app": "go run ./infra"); settings.go lists the context keys.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	os.Exit(run())
}

func run() int {
	defer jsii.Close()
	ctx := appContext()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "infra:", err)
		return 1
	}
	if _, err := Build(app, FindRepoRoot(cwd)); err != nil {
		fmt.Fprintln(os.Stderr, "infra: synth failed:", err)
		return 1
	}
	app.Synth(nil)
	return 0
}
