package pipeline_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudinv/aws-inventory/shared/collect/registry"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/store"
)

func TestReplayByRunIDAloneRecollectsExactlyTheFailedItems(t *testing.T) {
	h := newHarness(t, faultySpec())
	sum := h.run(t, context.Background(), pipeline.PlanInput{})
	if sum.ReplayInput == nil {
		t.Fatal("faulty run has no replay input")
	}
	planned, err := pipeline.Plan(context.Background(), h.env, pipeline.PlanInput{Action: "collect", ReplayOf: sum.RunID})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(stripRun(planned.Items))
	want, _ := json.Marshal(stripRun(sum.ReplayInput.Items))
	if string(got) != string(want) {
		t.Fatalf("items planned from replay_of alone:\n%s\nwant the summary's replay items:\n%s", got, want)
	}

	h.org.Allow()
	re := h.run(t, context.Background(), pipeline.PlanInput{Action: "collect", ReplayOf: sum.RunID})
	if re.Status != store.RunSucceeded || re.Items.Total != len(registry.All()) {
		t.Fatalf("replay = %s with %d items, want succeeded with the denied account's types", re.Status, re.Items.Total)
	}
	h.assertInventory(t)

	_, err = pipeline.Plan(context.Background(), h.env, pipeline.PlanInput{ReplayOf: re.RunID})
	if !pipeline.IsInputError(err) || !strings.Contains(err.Error(), "nothing to replay") {
		t.Fatalf("replaying a clean run: err = %v, want an input error saying nothing to replay", err)
	}
}

func stripRun(items []pipeline.WorkItem) []pipeline.WorkItem {
	out := make([]pipeline.WorkItem, len(items))
	for i, it := range items {
		it.RunID = ""
		out[i] = it
	}
	return out
}

func TestMalformedRequestsAreInputErrorsNamingTheField(t *testing.T) {
	h := newHarness(t, faultySpec())
	for _, tc := range []struct {
		name string
		in   pipeline.PlanInput
		want string
	}{
		{"short account", pipeline.PlanInput{Accounts: []string{"12"}}, `accounts: "12"`},
		{"bad region", pipeline.PlanInput{Regions: []string{"mars-1"}}, `regions: "mars-1"`},
		{"unknown type", pipeline.PlanInput{ResourceTypes: []string{"ec3"}}, `unknown resource type "ec3"`},
		{"unknown account", pipeline.PlanInput{Accounts: []string{"999999999999"}}, "999999999999 are neither"},
		{"missing run", pipeline.PlanInput{ReplayOf: "run-nope"}, `run "run-nope" does not exist`},
		{"items without replay_of", pipeline.PlanInput{Items: []pipeline.WorkItem{{AccountID: "111111111111"}}}, "items need replay_of"},
		{"other action", pipeline.PlanInput{Action: "cleanup"}, `action "cleanup"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pipeline.Plan(context.Background(), h.env, tc.in)
			if !pipeline.IsInputError(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an input error containing %q", err, tc.want)
			}
		})
	}
}

func TestCompactKeepsAStateSizedSummaryAndAReplayByRunID(t *testing.T) {
	s := pipeline.Summary{RunID: "run-1", Status: store.RunPartial}
	for range 1000 {
		s.Failed = append(s.Failed, pipeline.FailedItem{AccountID: "111111111111", ResourceType: "ec2_instance", Error: strings.Repeat("x", 200)})
	}
	s.ReplayInput = &pipeline.ReplayInput{Action: "collect", ReplayOf: "run-1", Items: make([]pipeline.WorkItem, 1000)}
	c := s.Compact(pipeline.CompactFailedItems, pipeline.CompactReplayItems)
	b, _ := json.Marshal(c)
	if len(b) > 64<<10 {
		t.Fatalf("compacted summary is %d bytes; it must stay far under the 256 KiB state limit", len(b))
	}
	if len(c.Failed) != pipeline.CompactFailedItems || c.FailedOmitted != 1000-pipeline.CompactFailedItems {
		t.Fatalf("failed = %d, omitted = %d", len(c.Failed), c.FailedOmitted)
	}
	if c.ReplayInput == nil || c.ReplayInput.ReplayOf != "run-1" || len(c.ReplayInput.Items) != 0 {
		t.Fatalf("replay input = %+v, want the run ID only", c.ReplayInput)
	}
	if !strings.Contains(string(b), `"replay_input":{"action":"collect","replay_of":"run-1"}`) {
		t.Fatalf("replay input JSON is not a ready-to-use execution input: %s", b)
	}
	if len(s.Failed) != 1000 {
		t.Fatal("Compact changed the original summary")
	}
	small := pipeline.Summary{ReplayInput: &pipeline.ReplayInput{Items: make([]pipeline.WorkItem, 3)}}
	if got := small.Compact(100, 400); len(got.ReplayInput.Items) != 3 {
		t.Fatal("a small replay input must stay inline")
	}
}

func TestARunWithManyFailuresStoresACompactSummaryAndStaysReplayable(t *testing.T) {
	sp := faultySpec()
	sp.Accounts, sp.Regions, sp.Denied, sp.Suspended, sp.OptOut, sp.Throttle = 30, 1, 27, 0, 0, false
	h := newHarness(t, sp)
	sum := h.run(t, context.Background(), pipeline.PlanInput{})
	failed := 27 * len(registry.All())
	if len(sum.Failed) != failed || len(sum.ReplayInput.Items) != failed {
		t.Fatalf("the runner's summary lists %d failed and %d replay items, want all %d", len(sum.Failed), len(sum.ReplayInput.Items), failed)
	}
	run, err := h.store.GetRun(context.Background(), sum.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var stored pipeline.Summary
	if err := json.Unmarshal(run.Summary, &stored); err != nil {
		t.Fatal(err)
	}
	if len(run.Summary) > 64<<10 || stored.FailedOmitted != failed-pipeline.CompactFailedItems || len(stored.ReplayInput.Items) != 0 {
		t.Fatalf("stored summary: %d bytes, %d omitted, %d replay items; want it compact (a DynamoDB item holds 400 KB)", len(run.Summary), stored.FailedOmitted, len(stored.ReplayInput.Items))
	}
	planned, err := pipeline.Plan(context.Background(), h.env, pipeline.PlanInput{Action: "collect", ReplayOf: stored.ReplayInput.ReplayOf})
	if err != nil || len(planned.Items) != failed {
		t.Fatalf("replaying the stored replay input planned %d items (%v), want %d", len(planned.Items), err, failed)
	}
}
