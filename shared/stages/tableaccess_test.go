package stages_test

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"

	"github.com/cloudinv/aws-inventory/shared/stages"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb/dynalite"
)

// opsRecorder records the DynamoDB operations a client makes.
type opsRecorder struct {
	mu  sync.Mutex
	ops map[string]bool
}

func (r *opsRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.ops))
	for op := range r.ops {
		out = append(out, "dynamodb:"+op)
	}
	sort.Strings(out)
	r.ops = map[string]bool{}
	return out
}

func (r *opsRecorder) middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("recordOperation",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			r.mu.Lock()
			r.ops[awsmiddleware.GetOperationName(ctx)] = true
			r.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// The deployment grants each stage's role exactly stages.TableActions; this
// runs every stage on a DynamoDB store (dynalite) and fails when one calls
// anything else, so a deployed stage can never be denied an action it needs.
func TestEachStageCallsOnlyItsTableActions(t *testing.T) {
	srv, err := dynalite.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	table := srv.TableName(t)
	if err := dynamodb.CreateTable(ctx, srv.Client(), table); err != nil {
		t.Fatal(err)
	}
	rec := &opsRecorder{ops: map[string]bool{}}
	cfg := srv.Config()
	cfg.APIOptions = append(cfg.APIOptions, rec.middleware)
	st, err := dynamodb.Open(ctx, cfg, table, dynamodb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, "accounts=3,regions=1,denied=1,suspended=0,optout=0,seed=5")
	h.deps.Env.Store = st
	rec.take() // Open's DescribeTable, checked below for every stage

	run := func(stage string, in any) []byte {
		t.Helper()
		out := h.invoke(t, stage, in)
		got := append(rec.take(), "dynamodb:DescribeTable")
		for _, op := range got {
			if !slices.Contains(stages.TableActions[stage], op) {
				t.Errorf("stage %s calls %s, which stages.TableActions[%q] = %v does not grant", stage, op, stage, stages.TableActions[stage])
			}
		}
		return out
	}
	var p stages.PlanResult
	json.Unmarshal(run("plan", map[string]any{}), &p)
	body, _ := h.deps.Work.Get(ctx, p.Items.Key)
	var items []json.RawMessage
	json.Unmarshal(body, &items)
	run("recordfailure", map[string]any{"item": items[0], "failure": map[string]string{"Error": "States.Timeout"}})
	for _, it := range items[1:] {
		run("collect", it)
	}
	run("aggregate", map[string]any{"run_id": p.RunID, "skipped_accounts": p.SkippedAccounts})
	cost := run("cost", map[string]any{"run_id": p.RunID})
	sec := run("security", map[string]any{"run_id": p.RunID})
	run("report", map[string]any{"plan": p, "analysis": []json.RawMessage{cost, sec}})
	run("plan", map[string]any{"replay_of": p.RunID})
	run("cleanup", map[string]any{"retention_days": 1})
	for stage := range stages.TableActions {
		if _, ok := stages.Get(stage); !ok {
			t.Errorf("TableActions names %q, which is not a stage", stage)
		}
	}
	if _, ok := stages.TableActions["notify"]; ok {
		t.Error("notify reads no table: it must not be granted any table action")
	}
}

func TestTableActionsAreStoreActions(t *testing.T) {
	all := append(slices.Clone(dynamodb.ReadActions), dynamodb.WriteActions...)
	for stage, actions := range stages.TableActions {
		for _, a := range actions {
			if !slices.Contains(all, a) {
				t.Errorf("%s: %s is not an action of the DynamoDB store", stage, a)
			}
		}
	}
}
