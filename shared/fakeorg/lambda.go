package fakeorg

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// LambdaRegion holds one account region's Lambda functions.
type LambdaRegion struct {
	Functions []*LambdaFunction
}

// LambdaFunction is one function ($LATEST) with its URL configs and the
// CloudWatch values registered for it.
type LambdaFunction struct {
	Name, ARN    string
	Runtime      string // "" for container images
	Handler      string // "" for container images
	Role         string
	Architecture string // x86_64 or arm64
	PackageType  string // Zip or Image
	MemoryMB     int
	TimeoutSec   int
	EphemeralMB  int
	CodeSize     int64
	CodeSha256   string
	RevisionID   string
	Description  string
	LastModified time.Time
	// URLs are the function URL configs, $LATEST's first.
	URLs []LambdaURL
	Tags map[string]string
	// Policy is the function's resource-based policy (GetPolicy), nil when
	// it has none (ResourceNotFoundException).
	Policy []LambdaStatement
	// HasMetrics is false for functions not invoked in the last 30 days:
	// Lambda publishes no datapoints for them.
	HasMetrics                       bool
	Invocations, Errors, DurationAvg float64
}

// LambdaStatement is one statement of a function's resource-based policy.
// Public is the ground truth of the statement: it lets anyone invoke the
// function (an Allow to every principal no condition narrows to an account,
// organization or source).
type LambdaStatement struct {
	Sid string
	// Principal is as the policy document spells it: "*", or
	// {"Service": ...} / {"AWS": ...} with a string or a list.
	Principal any
	Action    string
	// Condition is operator -> key -> value, as in the document.
	Condition map[string]map[string]string
	Public    bool
}

// PolicyPublic reports whether any statement of the policy is public.
func (f *LambdaFunction) PolicyPublic() bool {
	for _, s := range f.Policy {
		if s.Public {
			return true
		}
	}
	return false
}

// LambdaURL is one function URL config (for $LATEST or an alias).
type LambdaURL struct {
	Qualifier string // "" for $LATEST
	AuthType  string // NONE or AWS_IAM
	URLID     string
	Created   time.Time
}

// lambdaRuntimes are the runtimes the generator uses, with the deprecation
// dates AWS publishes for them (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
// The ground truth derives runtime_deprecated from these dates independently
// of the collector's own table, so a wrong entry there shows up in tests.
var lambdaRuntimes = []struct {
	id         string
	deprecated time.Time
	weight     int
	arch       bool // arm64 available
	handler    string
}{
	{"python3.12", lambdaDate(2028, 10, 31), 18, true, "app.lambda_handler"},
	{"python3.13", lambdaDate(2029, 6, 30), 14, true, "lambda_function.lambda_handler"},
	{"nodejs20.x", lambdaDate(2026, 4, 30), 16, true, "index.handler"},
	{"nodejs22.x", lambdaDate(2027, 4, 30), 14, true, "index.handler"},
	{"java21", lambdaDate(2029, 6, 30), 7, true, "com.example.Handler::handleRequest"},
	{"provided.al2023", lambdaDate(2029, 6, 30), 8, true, "bootstrap"},
	{"python3.8", lambdaDate(2024, 10, 14), 4, true, "lambda_function.lambda_handler"},
	{"nodejs16.x", lambdaDate(2024, 6, 12), 4, true, "index.handler"},
	{"go1.x", lambdaDate(2024, 1, 8), 3, false, "main"},
}

func lambdaDate(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

var lambdaPurposes = []string{
	"orders-api", "image-resize", "stripe-webhook", "nightly-report-export", "cognito-post-confirmation",
	"s3-thumbnail-generator", "sqs-order-processor", "slack-alert-forwarder", "ddb-stream-indexer",
	"auth-token-refresher", "email-sender", "csv-importer", "scheduled-cleanup", "kinesis-consumer",
	"pdf-renderer", "config-rule-evaluator",
}

// lambda generates about 6 functions per account region at Scale 1.
func (g *gen) lambda() {
	r := g.rng
	now := g.org.Spec.Now
	env := lambdaEnv(g.acct.Name)
	purposes := append([]string(nil), lambdaPurposes...)
	r.Shuffle(len(purposes), func(i, j int) { purposes[i], purposes[j] = purposes[j], purposes[i] })
	n := g.count(6)
	for i := 0; i < n; i++ {
		purpose := purposes[i%len(purposes)]
		if i >= len(purposes) {
			purpose += fmt.Sprintf("-v%d", i/len(purposes)+1)
		}
		f := &LambdaFunction{Name: env + "-" + purpose}
		if r.Float64() < 0.3 { // deployed by CloudFormation/SAM: generated names
			f.Name = fmt.Sprintf("%s-%s-%sFunction-%s", purpose, env, lambdaPascal(purpose), strings.ToUpper(randLower(r, 12)))
			if len(f.Name) > 64 {
				f.Name = f.Name[:64]
			}
		}
		f.ARN = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", g.region.Name, g.acct.ID, f.Name)
		g.lambdaShape(f, now)
		g.region.Lambda.Functions = append(g.region.Lambda.Functions, f)
		if f.HasMetrics {
			dims := map[string]string{"FunctionName": f.Name}
			g.org.SetMetric(g.acct.ID, g.region.Name, "AWS/Lambda", "Invocations", dims, "Sum", f.Invocations)
			g.org.SetMetric(g.acct.ID, g.region.Name, "AWS/Lambda", "Errors", dims, "Sum", f.Errors)
			g.org.SetMetric(g.acct.ID, g.region.Name, "AWS/Lambda", "Duration", dims, "Average", f.DurationAvg)
		}
	}
	g.lambdaPolicies()
}

// lambdaPolicies draws the functions' resource-based policies from a random
// stream of their own, so the rest of the organization does not change with
// them. About half the functions have none; most others let one service
// invoke them from one source (the statements add-permission and the
// console write); some allow another account or the organization; a few
// allow anyone. A function URL with auth type NONE comes with the statement
// AWS adds for it, which allows anyone.
func (g *gen) lambdaPolicies() {
	r := g.org.rngFor(g.acct.ID, g.region.Name, "lambda-policies")
	acct, region := g.acct.ID, g.region.Name
	partner := accountID(r)
	for _, f := range g.region.Lambda.Functions {
		st := func(sid string, principal any, action string, cond map[string]map[string]string, public bool) {
			f.Policy = append(f.Policy, LambdaStatement{Sid: sid, Principal: principal, Action: action, Condition: cond, Public: public})
		}
		invoke := "lambda:InvokeFunction"
		service := func(s string) map[string]any { return map[string]any{"Service": s} }
		switch x := r.Float64(); {
		case x < 0.45:
		case x < 0.60:
			api := randLower(r, 10)
			st(fmt.Sprintf("apigateway-%s", randHex(r, 8)), service("apigateway.amazonaws.com"), invoke,
				map[string]map[string]string{"ArnLike": {"AWS:SourceArn": fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/*/*/%s", region, acct, api, f.Name)}}, false)
		case x < 0.72:
			bucket := fmt.Sprintf("%s-uploads-%s", strings.ToLower(g.acct.Department), acct)
			st("s3-invoke", service("s3.amazonaws.com"), invoke, map[string]map[string]string{
				"ArnLike":      {"AWS:SourceArn": "arn:aws:s3:::" + bucket},
				"StringEquals": {"AWS:SourceAccount": acct},
			}, false)
		case x < 0.80:
			st("events-invoke", service("events.amazonaws.com"), invoke,
				map[string]map[string]string{"ArnLike": {"AWS:SourceArn": fmt.Sprintf("arn:aws:events:%s:%s:rule/%s-schedule", region, acct, f.Name)}}, false)
			if r.Float64() < 0.3 {
				st("sns-invoke", service("sns.amazonaws.com"), invoke,
					map[string]map[string]string{"ArnLike": {"AWS:SourceArn": fmt.Sprintf("arn:aws:sns:%s:%s:%s-alerts", region, acct, lambdaEnv(g.acct.Name))}}, false)
			}
		case x < 0.85:
			st("s3-account", service("s3.amazonaws.com"), invoke,
				map[string]map[string]string{"StringEquals": {"AWS:SourceAccount": acct}}, false)
		case x < 0.89:
			st("cross-account-invoke", map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", partner)}, invoke, nil, false)
		case x < 0.91:
			st("organization-invoke", "*", invoke,
				map[string]map[string]string{"StringEquals": {"aws:PrincipalOrgID": g.org.ID}}, false)
		case x < 0.925:
			st("url-iam-invoke", "*", "lambda:InvokeFunctionUrl",
				map[string]map[string]string{"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}, false)
		case x < 0.95:
			st("events-any-rule", service("events.amazonaws.com"), invoke, nil, false)
		default:
			// Allows anyone: each way a policy document can say "everyone",
			// and a condition that does not narrow (IfExists: absent keys pass).
			switch r.IntN(4) {
			case 0:
				st("public-invoke", "*", invoke, nil, true)
			case 1:
				st("public-invoke", map[string]any{"AWS": "*"}, invoke, nil, true)
			case 2:
				st("public-invoke", map[string]any{"AWS": []string{"*"}}, invoke, nil, true)
			default:
				st("public-invoke", "*", invoke,
					map[string]map[string]string{"StringEqualsIfExists": {"AWS:SourceAccount": acct}}, true)
			}
		}
		if len(f.URLs) > 0 && f.URLs[0].AuthType == "NONE" {
			st("FunctionURLAllowPublicAccess", "*", "lambda:InvokeFunctionUrl",
				map[string]map[string]string{"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}, true)
		}
	}
}

func (g *gen) lambdaShape(f *LambdaFunction, now time.Time) {
	r := g.rng
	f.PackageType = "Zip"
	f.Architecture = "x86_64"
	if r.Float64() < 0.12 {
		f.PackageType = "Image"
		if r.Float64() < 0.3 {
			f.Architecture = "arm64"
		}
	} else {
		total := 0
		for _, rt := range lambdaRuntimes {
			total += rt.weight
		}
		pick := r.IntN(total)
		for _, rt := range lambdaRuntimes {
			if pick -= rt.weight; pick < 0 {
				f.Runtime, f.Handler = rt.id, rt.handler
				if rt.arch && r.Float64() < 0.33 {
					f.Architecture = "arm64"
				}
				break
			}
		}
		f.CodeSize = int64(math.Exp(math.Log(800) + r.Float64()*(math.Log(5e7)-math.Log(800))))
	}
	sha := make([]byte, 32) // for images, the image digest
	for i := range sha {
		sha[i] = byte(r.IntN(256))
	}
	f.CodeSha256 = base64.StdEncoding.EncodeToString(sha)
	f.MemoryMB = []int{128, 128, 128, 256, 256, 512, 512, 1024, 1536, 2048, 3008}[r.IntN(11)]
	f.TimeoutSec = []int{3, 3, 10, 15, 30, 30, 60, 300, 900}[r.IntN(9)]
	f.EphemeralMB = 512
	if r.Float64() < 0.08 {
		f.EphemeralMB = []int{1024, 2048, 4096, 10240}[r.IntN(4)]
	}
	f.LastModified = now.Add(-time.Duration(r.Int64N(int64(900*24*time.Hour)/int64(time.Millisecond))) * time.Millisecond)
	f.RevisionID = s3RandUUID(r)
	f.Role = fmt.Sprintf("arn:aws:iam::%s:role/service-role/%s-role-%s", g.acct.ID, strings.TrimSuffix(f.Name[:min(len(f.Name), 40)], "-"), randLower(r, 8))
	if r.Float64() < 0.4 {
		f.Role = fmt.Sprintf("arn:aws:iam::%s:role/lambda-execution-role", g.acct.ID)
	}
	if r.Float64() < 0.5 {
		f.Description = "Handles " + strings.ReplaceAll(f.Name, "-", " ")
	}
	if r.Float64() < 0.10 {
		auth := "AWS_IAM"
		if r.Float64() < 0.5 {
			auth = "NONE"
		}
		f.URLs = append(f.URLs, LambdaURL{AuthType: auth, URLID: randLower(r, 32), Created: f.LastModified.Add(-time.Hour)})
		if r.Float64() < 0.3 { // an alias with its own URL, listed after $LATEST's
			f.URLs = append(f.URLs, LambdaURL{Qualifier: "live", AuthType: "AWS_IAM", URLID: randLower(r, 32), Created: f.LastModified})
		}
	}
	f.Tags = g.lambdaTags()

	switch u := r.Float64(); {
	case u < 0.12: // not invoked in 30 days: no datapoints at all
	case u < 0.25: // nearly unused
		f.HasMetrics = true
		f.Invocations = float64(1 + r.IntN(9))
	default:
		f.HasMetrics = true
		f.Invocations = math.Round(math.Exp(math.Log(10) + r.Float64()*(math.Log(5e6)-math.Log(10))))
	}
	if f.HasMetrics {
		switch e := r.Float64(); {
		case e < 0.70:
		case e < 0.90:
			f.Errors = math.Round(f.Invocations * (0.001 + 0.02*r.Float64()))
		default:
			f.Errors = math.Round(f.Invocations * (0.05 + 0.35*r.Float64()))
		}
		// Most functions answer in milliseconds to seconds whatever their
		// timeout; durations near a 15-minute timeout on millions of calls
		// would make the demo's Lambda bill absurd.
		maxMs := min(float64(f.TimeoutSec)*1000*0.8, 15000)
		f.DurationAvg = math.Round(math.Exp(math.Log(2)+r.Float64()*(math.Log(maxMs)-math.Log(2)))*100) / 100
	}
}

func (g *gen) lambdaTags() map[string]string {
	r := g.rng
	tags := map[string]string{}
	if r.Float64() < 0.2 {
		return tags
	}
	if r.Float64() < 0.85 {
		tags["Department"] = g.acct.Department
	}
	tags["Environment"] = lambdaEnv(g.acct.Name)
	if r.Float64() < 0.4 {
		tags["CostCenter"] = fmt.Sprintf("CC-%04d", 1000+r.IntN(9000))
	}
	if r.Float64() < 0.4 {
		tags["Owner"] = fmt.Sprintf("team-%s@example.com", strings.ToLower(g.acct.Department))
	}
	if r.Float64() < 0.3 {
		tags["lambda:createdBy"] = "SAM"
	}
	return tags
}

// lambdaEnv reads the environment from the account name (dept-env-n).
func lambdaEnv(accountName string) string {
	for _, e := range envs {
		if strings.Contains(accountName, "-"+e+"-") {
			return e
		}
	}
	return "dev"
}

func lambdaPascal(s string) string {
	var b strings.Builder
	for _, p := range strings.Split(s, "-") {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}

// expectedLambda is the ground truth for one account region's functions.
func (o *Org) expectedLambda(a *Account, r *Region) []inventory.Record {
	out := make([]inventory.Record, 0, len(r.Lambda.Functions))
	for _, f := range r.Lambda.Functions {
		attrs := map[string]any{
			"name":                 f.Name,
			"memory_mb":            f.MemoryMB,
			"timeout_seconds":      f.TimeoutSec,
			"architecture":         f.Architecture,
			"package_type":         f.PackageType,
			"code_size_bytes":      f.CodeSize,
			"last_modified":        f.LastModified.UTC().Format(time.RFC3339),
			"role":                 f.Role,
			"ephemeral_storage_mb": f.EphemeralMB,
		}
		if f.Runtime != "" {
			attrs["runtime"] = f.Runtime
			for _, rt := range lambdaRuntimes {
				if rt.id == f.Runtime {
					attrs["runtime_deprecated"] = !o.Spec.Now.Before(rt.deprecated)
					attrs["runtime_deprecation_date"] = rt.deprecated.Format(time.RFC3339)
				}
			}
		}
		if f.Handler != "" {
			attrs["handler"] = f.Handler
		}
		if len(f.URLs) > 0 {
			attrs["function_url_auth_type"] = f.URLs[0].AuthType
		}
		attrs["has_resource_policy"] = len(f.Policy) > 0
		attrs["policy_public"] = f.PolicyPublic()
		if f.HasMetrics {
			attrs["invocations_30d"] = f.Invocations
			attrs["errors_30d"] = f.Errors
			attrs["duration_avg_ms_30d"] = f.DurationAvg
		}
		tags := map[string]string{}
		for k, v := range f.Tags {
			tags[k] = v
		}
		out = append(out, truthRecord(a, r.Name, inventory.LambdaFunction, f.Name, f.ARN, tags, attrs))
	}
	return out
}
