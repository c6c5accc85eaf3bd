package rds

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

var testNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func testSpec() fakeorg.Spec {
	sp := fakeorg.DefaultSpec()
	sp.Now = testNow
	sp.Accounts = 8
	return sp
}

// healthyAccounts are the member accounts a collection can enter.
func healthyAccounts(o *fakeorg.Org) []*fakeorg.Account {
	denied := map[string]bool{}
	for _, id := range o.DeniedAccounts() {
		denied[id] = true
	}
	var out []*fakeorg.Account
	for _, a := range o.Accounts {
		if a.Status == fakeorg.StatusActive && !denied[a.ID] {
			out = append(out, a)
		}
	}
	return out
}

func enabledRegions(a *fakeorg.Account) []string {
	var out []string
	for _, r := range a.Regions {
		if r.Enabled() {
			out = append(out, r.Name)
		}
	}
	return out
}

func target(o *fakeorg.Org, a *fakeorg.Account, region string) collect.Target {
	return collect.Target{AccountID: a.ID, AccountName: a.Name, Region: region, AWS: o.MemberConfig(a.ID, region)}
}

// run collects one target with the collector as the pipeline would.
func run(t *testing.T, c collect.Collector, tg collect.Target) []inventory.Record {
	t.Helper()
	var got []inventory.Record
	err := c.Collect(context.Background(), tg, func(r inventory.Record) error {
		got = append(got, r)
		return nil
	})
	if err != nil {
		t.Fatalf("%s in %s/%s: %v", c.Type, tg.AccountID, tg.Region, err)
	}
	return got
}

// expected filters the org's ground truth to one account, region and type.
func expected(o *fakeorg.Org, accountID, region, typ string) []inventory.Record {
	var out []inventory.Record
	for _, r := range o.Expected() {
		if r.AccountID == accountID && r.Region == region && r.ResourceType == typ {
			out = append(out, r)
		}
	}
	return out
}

// sameRecords compares records as their JSON forms (what the store keeps),
// sorted by resource_id, and reports the first mismatch readably.
func sameRecords(t *testing.T, got, want []inventory.Record) {
	t.Helper()
	g, w := jsonRecords(t, got), jsonRecords(t, want)
	if len(g) != len(w) {
		t.Errorf("got %d records, want %d\n got ids: %v\nwant ids: %v", len(g), len(w), ids(g), ids(w))
		return
	}
	for i := range g {
		if !reflect.DeepEqual(g[i], w[i]) {
			t.Errorf("record %v differs from the ground truth:\n%s", w[i]["resource_id"], diff(g[i], w[i], ""))
			return
		}
	}
}

func jsonRecords(t *testing.T, rs []inventory.Record) []map[string]any {
	t.Helper()
	out := make([]map[string]any, 0, len(rs))
	for _, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["resource_id"].(string) < out[j]["resource_id"].(string) })
	return out
}

func ids(rs []map[string]any) []any {
	out := make([]any, len(rs))
	for i, r := range rs {
		out[i] = r["resource_id"]
	}
	return out
}

// diff lists the keys whose values differ, recursing into maps.
func diff(got, want map[string]any, prefix string) string {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var b strings.Builder
	for _, k := range sorted {
		gv, gok := got[k]
		wv, wok := want[k]
		gm, gIsMap := gv.(map[string]any)
		wm, wIsMap := wv.(map[string]any)
		switch {
		case gIsMap && wIsMap:
			b.WriteString(diff(gm, wm, prefix+k+"."))
		case !gok:
			fmt.Fprintf(&b, "  %s%s: missing, want %v\n", prefix, k, wv)
		case !wok:
			fmt.Fprintf(&b, "  %s%s: got %v, want absent\n", prefix, k, gv)
		case !reflect.DeepEqual(gv, wv):
			fmt.Fprintf(&b, "  %s%s: got %v, want %v\n", prefix, k, gv, wv)
		}
	}
	return b.String()
}

// withRetries lets the SDK retryer ride out a throttling storm.
func withRetries(cfg aws.Config, n int) aws.Config {
	cfg.RetryMaxAttempts = n
	return cfg
}
