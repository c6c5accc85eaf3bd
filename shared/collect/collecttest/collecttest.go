// Package collecttest holds what collector tests share: running a collector
// against a fakeorg member account, comparing its records with the ground
// truth, and checking the IAM actions it used. Only tests import it.
package collecttest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cloudinv/aws-inventory/shared/collect"
	"github.com/cloudinv/aws-inventory/shared/fakeorg"
	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Now is the fixed clock of test organizations: generation, metric windows
// and deprecation dates are computed for it.
var Now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Spec is the default organization at Now; tests adjust its size.
func Spec() fakeorg.Spec {
	sp := fakeorg.DefaultSpec()
	sp.Now = Now
	return sp
}

// Target is where the pipeline would run a collector for the account and
// region: the member role assumed through the fake STS, no account
// department from config.
func Target(o *fakeorg.Org, a *fakeorg.Account, region string) collect.Target {
	return collect.Target{AccountID: a.ID, AccountName: a.Name, Region: region, AWS: o.MemberConfig(a.ID, region)}
}

// Collect runs the collector on the target as the pipeline would and returns
// what it emitted; an error fails the test.
func Collect(t testing.TB, c collect.Collector, tgt collect.Target) []inventory.Record {
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

// Emitted runs a listing function (a collector's internals, with test
// doubles) and returns what it emitted; an error fails the test.
func Emitted(t testing.TB, run func(collect.Emit) error) []inventory.Record {
	t.Helper()
	var got []inventory.Record
	if err := run(func(r inventory.Record) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

// AssertRecords fails the test unless got and want hold the same records,
// compared exactly as their JSON forms (what the store keeps) and in key
// order (account, region, type, id). It reports the counts and the first
// differing record field by field. The callers' slices are not reordered.
func AssertRecords(t testing.TB, got, want []inventory.Record) {
	t.Helper()
	g, w := jsonForms(t, got), jsonForms(t, want)
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i].key != w[i].key {
			break // a missing or extra record: reported below with the keys
		}
		if !reflect.DeepEqual(g[i].m, w[i].m) {
			t.Fatalf("record %s differs from the ground truth (got %d records, want %d):\n%s",
				w[i].key, len(g), len(w), diff(g[i].m, w[i].m, ""))
		}
	}
	if missing, extra := keyDiff(g, w); len(missing)+len(extra) > 0 {
		t.Fatalf("got %d records, want %d\n missing: %v\n unexpected: %v", len(g), len(w), missing, extra)
	}
	// Same keys but a duplicate or a reordered pair: compare all.
	for i := range g {
		if !reflect.DeepEqual(g[i].m, w[i].m) {
			t.Fatalf("record %s differs from the ground truth:\n%s", w[i].key, diff(g[i].m, w[i].m, ""))
		}
	}
}

type jsonForm struct {
	key string
	m   map[string]any
}

func jsonForms(t testing.TB, rs []inventory.Record) []jsonForm {
	t.Helper()
	sorted := append([]inventory.Record(nil), rs...)
	inventory.SortRecords(sorted)
	out := make([]jsonForm, len(sorted))
	for i, r := range sorted {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("record %s does not marshal: %v", r.Key(), err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out[i] = jsonForm{key: r.Key().String(), m: m}
	}
	return out
}

// keyDiff lists the keys want has and got lacks, and the reverse, counting
// duplicates.
func keyDiff(got, want []jsonForm) (missing, extra []string) {
	n := map[string]int{}
	for _, r := range got {
		n[r.key]++
	}
	for _, r := range want {
		n[r.key]--
	}
	for k, c := range n {
		for ; c < 0; c++ {
			missing = append(missing, k)
		}
		for ; c > 0; c-- {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

// diff lists the fields whose values differ, recursing into objects.
func diff(got, want map[string]any, prefix string) string {
	names := slices.Sorted(maps.Keys(got))
	for k := range want {
		if _, ok := got[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		g, gok := got[k]
		w, wok := want[k]
		gm, gIsMap := g.(map[string]any)
		wm, wIsMap := w.(map[string]any)
		switch {
		case gIsMap && wIsMap:
			b.WriteString(diff(gm, wm, prefix+k+"."))
		case gok != wok || !reflect.DeepEqual(g, w):
			fmt.Fprintf(&b, "  %s%s: got %s, want %s\n", prefix, k, show(g, gok), show(w, wok))
		}
	}
	return b.String()
}

func show(v any, ok bool) string {
	if !ok {
		return "(absent)"
	}
	return fmt.Sprintf("%#v", v)
}

// ActionsCalled maps every operation the fake served (o.Operations(), such as
// "EC2.DescribeInstances") to its IAM action with actionFor, leaving out
// STS.AssumeRole (the pipeline's credentials, not the collector's). Sorted,
// without repeats; an operation actionFor does not know maps to "".
func ActionsCalled(o *fakeorg.Org, actionFor func(operation string) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, op := range o.Operations() {
		if op == "STS.AssumeRole" {
			continue
		}
		if act := actionFor(op); !seen[act] {
			seen[act] = true
			out = append(out, act)
		}
	}
	sort.Strings(out)
	return out
}

// AssertActions fails the test unless the actions called are exactly the
// ones declared: an undeclared call would be denied by the member role's
// policy, a declared action never called widens it for nothing.
func AssertActions(t testing.TB, called, declared []string) {
	t.Helper()
	isDeclared, isCalled := map[string]bool{}, map[string]bool{}
	for _, a := range declared {
		isDeclared[a] = true
	}
	for _, a := range called {
		isCalled[a] = true
		if a == "" {
			t.Errorf("an operation has no IAM action")
		} else if !isDeclared[a] {
			t.Errorf("calls %s but does not declare it (declared %v)", a, declared)
		}
	}
	for _, a := range declared {
		if !isCalled[a] {
			t.Errorf("declares %s but never called it", a)
		}
	}
}

// Accounts are the accounts a collection enters: the reachable members and
// the management account, which discovery lists too.
func Accounts(o *fakeorg.Org) []*fakeorg.Account {
	return append([]*fakeorg.Account{o.Management}, o.Reachable()...)
}
