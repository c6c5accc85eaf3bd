package ec2

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// testSpec is a small organization whose regions hold more than one page of
// every paginated listing (Scale 2).
func testSpec() fakeorg.Spec {
	sp := fakeorg.DefaultSpec()
	sp.Now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	sp.Accounts, sp.Regions, sp.Scale = 6, 2, 2
	return sp
}

var collectors = []collect.Collector{Instances(), Volumes(), ElasticIPs(), SecurityGroups()}

// healthy lists the member accounts the collectors can reach.
func healthy(o *fakeorg.Org) []*fakeorg.Account {
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

func target(o *fakeorg.Org, a *fakeorg.Account, region string) collect.Target {
	return collect.Target{AccountID: a.ID, AccountName: a.Name, Region: region, AWS: o.MemberConfig(a.ID, region)}
}

func run(t *testing.T, c collect.Collector, tgt collect.Target) []inventory.Record {
	t.Helper()
	var got []inventory.Record
	if err := c.Collect(context.Background(), tgt, func(r inventory.Record) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatalf("%s in %s/%s: %v", c.Type, tgt.AccountID, tgt.Region, err)
	}
	return got
}

// expected filters the organization's ground truth to one target and type.
func expected(o *fakeorg.Org, tgt collect.Target, typ string) []inventory.Record {
	var out []inventory.Record
	for _, r := range o.Expected() {
		if r.AccountID == tgt.AccountID && r.Region == tgt.Region && r.ResourceType == typ {
			out = append(out, r)
		}
	}
	return out
}

// jsonForm is a record as the store and reports see it.
func jsonForm(t *testing.T, r inventory.Record) map[string]any {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("record %s does not marshal: %v", r.ResourceID, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// assertSameRecords compares after a JSON round trip of both sides, sorted
// by resource ID, and shows the first difference readably.
func assertSameRecords(t *testing.T, got, want []inventory.Record) {
	t.Helper()
	for _, rs := range [][]inventory.Record{got, want} {
		sort.Slice(rs, func(i, j int) bool { return rs[i].ResourceID < rs[j].ResourceID })
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			t.Fatalf("missing record %s (and %d more); got %d records, want %d", want[i].ResourceID, len(want)-i-1, len(got), len(want))
		case i >= len(want):
			t.Fatalf("unexpected record %s; got %d records, want %d", got[i].ResourceID, len(got), len(want))
		}
		g, w := jsonForm(t, got[i]), jsonForm(t, want[i])
		if reflect.DeepEqual(g, w) {
			continue
		}
		t.Fatalf("record %s differs:\n%s", want[i].ResourceID, diff(g, w, ""))
	}
}

func diff(got, want map[string]any, prefix string) string {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		g, gok := got[k]
		w, wok := want[k]
		if gm, ok := g.(map[string]any); ok {
			if wm, ok := w.(map[string]any); ok {
				b.WriteString(diff(gm, wm, prefix+k+"."))
				continue
			}
		}
		if gok != wok || !reflect.DeepEqual(g, w) {
			fmt.Fprintf(&b, "  %s%s: got %s, want %s\n", prefix, k, show(g, gok), show(w, wok))
		}
	}
	return b.String()
}

func show(v any, ok bool) string {
	if !ok {
		return "(absent)"
	}
	return fmt.Sprintf("%v", v)
}
