// Package lambdastart is the one piece every stage Lambda shares: build the
// stage's dependencies from the environment once per container, then hand
// each event to shared/stages. Errors keep their type (stages.InvalidInput,
// stages.StoreError), which the Lambda runtime reports as the error type
// Step Functions matches in Retry and Catch.
package lambdastart

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cloudinv/aws-inventory/shared/stages"
	"github.com/cloudinv/aws-inventory/shared/stages/lambdaenv"
)

// Start serves one stage until the runtime stops the container.
func Start(stage string) {
	ctx := context.Background()
	deps, err := lambdaenv.FromEnv(ctx, stage)
	if err != nil {
		// A misconfigured function fails every invocation the same way;
		// exiting makes the runtime report the error at init.
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("init failed", "stage", stage, "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		return stages.Invoke(ctx, deps, stage, in)
	})
}
