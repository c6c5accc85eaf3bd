package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// The tests synthesize two apps once each and share them: "full" sets
// every optional setting, "minimal" relies on defaults with an accounts
// config that discovers accounts through Organizations. Neither needs
// `make build`: the function bootstraps are placeholders in a temp dir.

type fixture struct {
	app    awscdk.App
	stacks *Stacks
	// Templates by role, decoded into plain Go values.
	central, member, stackSet map[string]any
	centralT                  assertions.Template
	buildDir                  string
}

var (
	full, minimal *fixture
	repoRoot      string
	setupErr      error
)

const (
	testSecretArn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:inventory/slack-AbCdEf"
	testOrgID     = "o-abcdefghij"
	testCentral   = "111122223333"
)

var testOUs = []string{"ou-ab12-11111111", "ou-ab12-22222222"}

func TestMain(m *testing.M) {
	// JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION must come from the
	// environment (the Makefile): the jsii runtime starts while the CDK
	// packages initialize, before TestMain runs.
	code := func() int {
		defer jsii.Close()
		cwd, err := os.Getwd()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		repoRoot = FindRepoRoot(cwd)
		tmp, err := os.MkdirTemp("", "infra-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		full, setupErr = newFixture(tmp, "full", map[string]any{
			ctxAccountsConfig:            filepath.Join(repoRoot, exampleAccountsConfig),
			ctxAlarmEmail:                "ops@example.com",
			ctxSlackWebhookSecretArn:     testSecretArn,
			ctxMemberOrgID:               testOrgID,
			ctxCentralAccountID:          testCentral,
			ctxStackSetTargetOUs:         strings.Join(testOUs, ","),
			ctxStackSetRegions:           []any{"eu-west-1"},
			ctxMonthlyCostThreshold:      "2500",
			ctxSecurityFindingsThreshold: 7,
			ctxRunDurationAlarmMinutes:   20,
		})
		if setupErr == nil {
			minimal, setupErr = newFixture(tmp, "minimal", map[string]any{
				ctxAccountsConfig: filepath.Join(cwd, "testdata", "discovery.json"),
				ctxSchedules:      `{"collect": "rate(6 hours)", "cleanup": "off"}`,
			})
		}
		return m.Run()
	}()
	os.Exit(code)
}

// newFixture builds and synthesizes one app with placeholder bootstraps.
func newFixture(tmp, name string, ctx map[string]any) (*fixture, error) {
	f := &fixture{buildDir: filepath.Join(tmp, name, "build")}
	if err := writeBootstraps(f.buildDir); err != nil {
		return nil, err
	}
	all := appContext()
	// The CLI turns path metadata on; the tests find resources by path.
	all["aws:cdk:enable-path-metadata"] = true
	all[ctxLambdaBuildDir] = f.buildDir
	for k, v := range ctx {
		all[k] = v
	}
	f.app = awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(tmp, name, "cdk.out")), Context: &all})
	st, err := Build(f.app, repoRoot)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f.stacks = st
	f.centralT = assertions.Template_FromStack(st.Central.Stack, nil)
	f.central = templateJSON(f.centralT)
	f.member = templateJSON(assertions.Template_FromStack(st.MemberRole.Stack, nil))
	f.stackSet = templateJSON(assertions.Template_FromStack(st.StackSet.Stack, nil))
	return f, nil
}

func writeBootstraps(dir string) error {
	for _, f := range functionSpecs {
		d := filepath.Join(dir, f.Dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "bootstrap"), []byte("placeholder "+f.Dir+"\n"), 0o755); err != nil {
			return err
		}
	}
	return nil
}

func fixtures(t *testing.T) (*fixture, *fixture) {
	t.Helper()
	if setupErr != nil {
		t.Fatalf("synth failed: %v", setupErr)
	}
	return full, minimal
}

func templateJSON(t assertions.Template) map[string]any {
	// Round trip through JSON: plain maps, slices, float64 and strings.
	b, err := json.Marshal(t.ToJSON())
	if err != nil {
		panic(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// resources returns the resources of a type by logical ID.
func resources(tmpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

// only returns the single resource of a type.
func only(t *testing.T, tmpl map[string]any, typ string) (string, map[string]any) {
	t.Helper()
	rs := resources(tmpl, typ)
	if len(rs) != 1 {
		t.Fatalf("want 1 %s, got %d", typ, len(rs))
	}
	for id, r := range rs {
		return id, props(r)
	}
	panic("unreachable")
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// logicalID returns the logical ID of the resource whose aws:cdk:path is path.
func logicalID(t *testing.T, tmpl map[string]any, path string) string {
	t.Helper()
	for id, r := range tmpl["Resources"].(map[string]any) {
		if md, ok := r.(map[string]any)["Metadata"].(map[string]any); ok && md["aws:cdk:path"] == path {
			return id
		}
	}
	t.Fatalf("no resource at %s", path)
	return ""
}

// get walks a path of map keys and slice indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			s, ok := v.([]any)
			if !ok || k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

func ref(id string) map[string]any       { return map[string]any{"Ref": id} }
func getAtt(id, a string) map[string]any { return map[string]any{"Fn::GetAtt": []any{id, a}} }

func jsonEq(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func str(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// statement is one IAM policy statement, with the policy it came from.
type statement struct {
	where     string
	sid       string
	effect    string
	actions   []string
	resources []any
	condition any
}

// policyStatements returns the identity-policy statements attached to the
// role with logical ID roleID: its inline policies and AWS::IAM::Policy
// resources that name it.
func policyStatements(tmpl map[string]any, roleID string) []statement {
	var out []statement
	add := func(where string, doc any) {
		for _, s := range asList(get(doc, "Statement")) {
			st := statement{where: where, sid: fmt.Sprint(get(s, "Sid")), effect: fmt.Sprint(get(s, "Effect")),
				resources: asList(get(s, "Resource")), condition: get(s, "Condition")}
			for _, a := range asList(get(s, "Action")) {
				st.actions = append(st.actions, a.(string))
			}
			out = append(out, st)
		}
	}
	for id, r := range resources(tmpl, "AWS::IAM::Policy") {
		for _, role := range asList(get(r, "Properties", "Roles")) {
			if jsonEq(role, ref(roleID)) {
				add(id, get(r, "Properties", "PolicyDocument"))
			}
		}
	}
	if role, ok := resources(tmpl, "AWS::IAM::Role")[roleID]; ok {
		for _, p := range asList(get(role, "Properties", "Policies")) {
			add(roleID+"/"+fmt.Sprint(get(p, "PolicyName")), get(p, "PolicyDocument"))
		}
	}
	return out
}

// allStatements returns every identity-policy statement of every role.
func allStatements(tmpl map[string]any) []statement {
	var out []statement
	for id := range resources(tmpl, "AWS::IAM::Role") {
		out = append(out, policyStatements(tmpl, id)...)
	}
	return out
}

// actionsOf returns the set of actions a role is granted.
func actionsOf(stmts []statement) map[string]bool {
	out := map[string]bool{}
	for _, s := range stmts {
		for _, a := range s.actions {
			out[a] = true
		}
	}
	return out
}

// mustNotPanic runs a jsii assertion, turning its panic into a test error.
func mustNotPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	f()
}
