// Command localinvoke runs one state machine stage on a laptop, the way the
// Lambda runtime would: one JSON event on stdin, the result JSON on stdout,
// or {"errorType", "errorMessage"} on stdout with exit status 1. The local
// Step Functions tests (statemachines/test) call it from the Task states of
// the real ASL file, against the synthetic organization, a SQLite store and a
// directory standing in for S3 (<work-dir>/<bucket>/<key>).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/cloudinv/aws-inventory/shared/blob"
	"github.com/cloudinv/aws-inventory/shared/demo"
	"github.com/cloudinv/aws-inventory/shared/emf"
	"github.com/cloudinv/aws-inventory/shared/stages"
	"github.com/cloudinv/aws-inventory/shared/store/sqlite"
)

func main() {
	stage := flag.String("stage", "", "stage to run: "+fmt.Sprint(stages.Names()))
	spec := flag.String("demo", "", "synthetic organization spec (fakeorg.ParseSpec syntax)")
	db := flag.String("db", "inventory.db", "SQLite store")
	workDir := flag.String("work-dir", ".", "directory standing in for S3: <work-dir>/<bucket>/<key>")
	maxConc := flag.Int("max-concurrency", 4, "Map concurrency handed out by plan")
	flag.Parse()
	out, err := run(context.Background(), *stage, *spec, *db, *workDir, *maxConc)
	if err != nil {
		// The shape of a Lambda function error, so the harness can raise it
		// under the same name Step Functions would match.
		out, _ = json.Marshal(map[string]string{"errorType": stages.ErrorType(err), "errorMessage": err.Error()})
		fmt.Println(string(out))
		os.Exit(1)
	}
	fmt.Println(string(out))
}

func run(ctx context.Context, stage, spec, db, workDir string, maxConc int) ([]byte, error) {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	env, _, err := demo.Env(spec, st, "aws-inventory-"+stage)
	if err != nil {
		return nil, &stages.InvalidInput{Message: "--demo: " + err.Error()}
	}
	work, err := blob.NewDir(workDir, "work")
	if err != nil {
		return nil, err
	}
	reports, err := blob.NewDir(workDir, "reports")
	if err != nil {
		return nil, err
	}
	metrics, err := os.OpenFile(filepath.Join(workDir, "metrics.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer metrics.Close()
	d := &stages.Deps{
		Env: env, Work: work, Reports: reports, Metrics: emf.New(metrics, stages.MetricsNamespace),
		Log:      slog.New(slog.NewJSONHandler(os.Stderr, nil)).With("stage", stage),
		Settings: stages.Settings{MaxConcurrency: maxConc, ToleratedFailurePercentage: stages.DefaultToleratedFailurePercentage, RetentionDays: stages.DefaultRetentionDays},
	}
	return stages.Invoke(ctx, d, stage, in)
}
