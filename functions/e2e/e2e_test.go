//go:build linux

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/cloudinv/aws-inventory/shared/store/dynamodb"
	"github.com/cloudinv/aws-inventory/shared/store/dynamodb/dynalite"
)

// The stages run here are the ones that need nothing but the store and the
// buckets. Collect (and RecordFailure after it) is left out: it assumes a
// role in each member account through STS and calls EC2, S3, … there, and
// the synthetic organization that answers those calls in the other tests
// lives inside the test process (an SDK middleware), where a separately
// built bootstrap cannot reach it; no emulator of those services runs here.
// Notify and Cleanup need SNS/Secrets Manager or nothing new, and are left to
// the in-process and state machine tests.
var stages = []string{"plan", "aggregate", "cost", "security", "report"}

const (
	region       = "us-east-1"
	table        = "aws-inventory-e2e"
	workBucket   = "aws-inventory-work-e2e"
	reportBucket = "aws-inventory-reports-e2e"
	// Static fake credentials. The secret must never show in any log.
	accessKeyID     = "AKIAE2EFAKEACCESSKEY"
	secretAccessKey = "e2eFakeSecretAccessKeyMustNeverBeLogged0"

	executionName = "run-20261126T000000Z-abcdef"
	executionARN  = "arn:aws:states:us-east-1:123456789012:execution:aws-inventory:" + executionName
)

// accountsJSON is the config bundled beside each bootstrap: accounts listed
// explicitly and no organization block, so Plan calls neither
// Organizations nor STS. One account is disabled and must come out as
// skipped.
const accountsJSON = `{
  "accounts": {
    "engineering": {"account_id": "111111111111", "role_name": "AWSInventoryRole", "tags": {"Department": "Engineering"}},
    "marketing":   {"account_id": "222222222222", "tags": {"Department": "Marketing"}},
    "finance":     {"account_id": "333333333333", "role_name": "InventoryReader", "enabled": true, "tags": {"Department": "Finance"}},
    "retired":     {"account_id": "444444444444", "enabled": false}
  },
  "resource_types": ["ec2", "s3"],
  "regions": ["us-east-1", "eu-west-1"],
  "notifications": {"email_on_failure": false}
}
`

// What Plan must make of accountsJSON: every enabled account × every
// configured type (ec2 stands for four types), in account then type order.
var (
	wantAccounts = []struct{ id, name, department, role string }{
		{"111111111111", "engineering", "Engineering", "AWSInventoryRole"},
		{"222222222222", "marketing", "Marketing", "AWSInventoryRole"},
		{"333333333333", "finance", "Finance", "InventoryReader"},
	}
	wantTypes   = []string{"ec2_instance", "ebs_volume", "elastic_ip", "security_group", "s3_bucket", "ebs_snapshot", "ebs_default_encryption", "s3_account_public_access_block"}
	wantRegions = []string{"us-east-1", "eu-west-1"}
)

// shared is what every test of the package uses: the binaries (built once
// per test run) and the servers.
type shared struct {
	dir     string
	bins    binaries
	dynamo  string // dynalite's endpoint
	dynProc *dynalite.Server
	took    time.Duration
}

var (
	setupOnce sync.Once
	setupEnv  *shared
	setupErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if setupEnv != nil {
		if setupEnv.dynProc != nil {
			setupEnv.dynProc.Close()
		}
		os.RemoveAll(setupEnv.dir)
	}
	os.Exit(code)
}

// setup builds the bootstraps and the emulator while dynalite starts.
func setup(t *testing.T) *shared {
	t.Helper()
	setupOnce.Do(func() {
		start := time.Now()
		dir, err := os.MkdirTemp("", "aws-inventory-e2e-")
		if err != nil {
			setupErr = err
			return
		}
		setupEnv = &shared{dir: dir}
		var wg sync.WaitGroup
		var buildErr, dynErr error
		wg.Go(func() { setupEnv.bins, buildErr = buildAll(filepath.Join(dir, "bin"), stages) })
		wg.Go(func() {
			if setupEnv.dynProc, dynErr = dynalite.Start(); dynErr == nil {
				setupEnv.dynamo = setupEnv.dynProc.Endpoint
			}
		})
		wg.Wait()
		if dynErr != nil {
			setupErr = dynErr
			return
		}
		if buildErr != nil {
			setupErr = buildErr
			return
		}
		setupEnv.took = time.Since(start)
	})
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	t.Logf("setup (build of %d bootstraps and the emulator, dynalite): %s", len(stages), setupEnv.took.Round(time.Millisecond))
	return setupEnv
}

// functionEnv is a function's whole environment, as its deployment would
// set it: nothing is inherited from the test process (no AWS_PROFILE, no
// ~/.aws), so everything the function does comes from these variables.
func functionEnv(dir, stage, dynamoEndpoint, s3Endpoint string, extra ...string) []string {
	env := []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + dir,
		"AWS_REGION=" + region,
		"AWS_ACCESS_KEY_ID=" + accessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + secretAccessKey,
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_DYNAMODB=" + dynamoEndpoint,
		"AWS_ENDPOINT_URL_S3=" + s3Endpoint,
		"DYNAMODB_TABLE_NAME=" + table,
		"WORK_BUCKET=" + workBucket,
		"REPORT_BUCKET=" + reportBucket,
		// Relative, as deployed: found beside the bootstrap through
		// LAMBDA_TASK_ROOT.
		"INVENTORY_CONFIG=accounts.json",
		"LAMBDA_TASK_ROOT=" + dir,
		"MAP_MAX_CONCURRENCY=7",
		"MAP_TOLERATED_FAILURE_PERCENTAGE=5",
		"AWS_LAMBDA_FUNCTION_NAME=aws-inventory-" + stage,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=60",
	}
	return append(env, extra...)
}

// taskDir is a function's /var/task: its bootstrap and accounts.json.
func taskDir(t *testing.T, sh *shared, stage string) (dir, bootstrap string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), stage)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "accounts.json"), []byte(accountsJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	bootstrap = filepath.Join(dir, "bootstrap")
	if err := os.Link(sh.bins.bootstraps[stage], bootstrap); err != nil {
		// Another file system: copy instead.
		body, err := os.ReadFile(sh.bins.bootstraps[stage])
		if err == nil {
			err = os.WriteFile(bootstrap, body, 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir, bootstrap
}

func createTable(t *testing.T, endpoint, name string) {
	t.Helper()
	client := ddb.NewFromConfig(aws.Config{
		Region: region, BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
	})
	if err := dynamodb.CreateTable(context.Background(), client, name); err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
}

// The plan → aggregate → cost → security → report chain, each stage its
// real bootstrap under the emulator, fed the inputs the state machine
// gives it; then bad inputs and a store outage coming back with the error
// names the state machine's Retry and Catch match.
func TestStageBootstrapsUnderRuntimeEmulator(t *testing.T) {
	sh := setup(t)
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()

	createTable(t, sh.dynamo, table)
	s3, err := startFakeS3(workBucket, reportBucket)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.close()
	// Cost reaches dynalite through a proxy that can be cut after init.
	proxy, err := startOutageProxy(sh.dynamo)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.close()

	fns := map[string]*function{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	startErrs := make([]error, len(stages))
	for i, stage := range stages {
		dir, bootstrap := taskDir(t, sh, stage)
		endpoint := sh.dynamo
		if stage == "cost" {
			endpoint = proxy.url
		}
		env := functionEnv(dir, stage, endpoint, s3.url)
		wg.Go(func() {
			f, err := startFunction(sh.bins.rie, bootstrap, dir, env, stage)
			if err != nil {
				startErrs[i] = err
				return
			}
			mu.Lock()
			fns[stage] = f
			mu.Unlock()
		})
	}
	wg.Wait()
	defer func() {
		for _, f := range fns {
			f.proc.stop()
		}
	}()
	for _, err := range startErrs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("emulators listening after %s", time.Since(began).Round(time.Millisecond))

	invoke := func(t *testing.T, stage, payload string) result {
		t.Helper()
		start := time.Now()
		r, err := fns[stage].call(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: HTTP %d in %s", stage, r.Status, time.Since(start).Round(time.Millisecond))
		return r
	}
	ok := func(t *testing.T, stage, payload string, v any) json.RawMessage {
		t.Helper()
		r := invoke(t, stage, payload)
		if r.failed() {
			t.Fatalf("%s failed: HTTP %d %s\nlogs:\n%s", stage, r.Status, r.Body, fns[stage].proc.out.String())
		}
		if err := json.Unmarshal(r.Body, v); err != nil {
			t.Fatalf("%s result %s: %v", stage, r.Body, err)
		}
		return r.Body
	}
	fails := func(t *testing.T, stage, payload, errorType string, inMessage ...string) {
		t.Helper()
		r := invoke(t, stage, payload)
		if r.ErrorType != errorType {
			t.Fatalf("%s %s: got HTTP %d %s, want errorType %q", stage, payload, r.Status, r.Body, errorType)
		}
		for _, s := range inMessage {
			if !strings.Contains(r.ErrorMessage, s) {
				t.Errorf("%s errorMessage %q does not name %q", stage, r.ErrorMessage, s)
			}
		}
	}

	// The state as it grows through a collection; later stages get what
	// the state machine would hand them.
	var (
		planOut   json.RawMessage
		summary   json.RawMessage
		costOut   json.RawMessage
		secOut    json.RawMessage
		reportOut reportResult
	)

	if !t.Run("plan writes the work items and opens the run", func(t *testing.T) {
		var p planResult
		planOut = ok(t, "plan", `{"action":"collect","execution":{"arn":"`+executionARN+`","name":"`+executionName+`"}}`, &p)
		wantCount := len(wantAccounts) * len(wantTypes)
		if p.RunID != executionName {
			t.Errorf("run_id = %q, want the execution name %q", p.RunID, executionName)
		}
		if p.ItemCount != wantCount {
			t.Errorf("item_count = %d, want %d accounts × %d types = %d", p.ItemCount, len(wantAccounts), len(wantTypes), wantCount)
		}
		if p.Items.Bucket != workBucket || p.Items.Key != "runs/"+executionName+"/items.json" {
			t.Errorf("items = %+v, want s3://%s/runs/%s/items.json", p.Items, workBucket, executionName)
		}
		if p.MaxConcurrency != 7 || p.ToleratedFailurePercentage != 5 {
			t.Errorf("map settings = %d, %g; want MAP_MAX_CONCURRENCY=7 and MAP_TOLERATED_FAILURE_PERCENTAGE=5 from the environment",
				p.MaxConcurrency, p.ToleratedFailurePercentage)
		}
		if p.Execution == nil || p.Execution.ARN != executionARN {
			t.Errorf("execution = %+v, want it carried on for Report", p.Execution)
		}
		if len(p.SkippedAccounts) != 1 || p.SkippedAccounts[0]["account_id"] != "444444444444" {
			t.Errorf("skipped_accounts = %v, want the disabled account 444444444444", p.SkippedAccounts)
		}

		body, contentType, err := s3.object(workBucket, p.Items.Key)
		if err != nil {
			t.Fatalf("items object: %v", err)
		}
		if contentType != "application/json" {
			t.Errorf("items.json Content-Type = %q", contentType)
		}
		var items []workItem
		if err := json.Unmarshal(body, &items); err != nil {
			t.Fatalf("items.json %s: %v", body, err)
		}
		var want []workItem
		for _, a := range wantAccounts {
			for _, typ := range wantTypes {
				want = append(want, workItem{RunID: executionName, AccountID: a.id, AccountName: a.name,
					Department: a.department, RoleName: a.role, ResourceType: typ, Regions: wantRegions})
			}
		}
		if !slices.EqualFunc(items, want, workItem.equal) {
			t.Errorf("items.json =\n%s\nwant\n%+v", body, want)
		}
	}) {
		t.FailNow()
	}

	if !t.Run("aggregate without collect reports every item not run, with a replay input", func(t *testing.T) {
		var p struct {
			RunID           string           `json:"run_id"`
			SkippedAccounts *json.RawMessage `json:"skipped_accounts"`
		}
		if err := json.Unmarshal(planOut, &p); err != nil {
			t.Fatal(err)
		}
		// The ASL's Aggregate parameters: run_id and skipped_accounts of $.plan.
		in, _ := json.Marshal(map[string]any{"run_id": p.RunID, "skipped_accounts": p.SkippedAccounts})
		var s summaryResult
		summary = ok(t, "aggregate", string(in), &s)
		n := len(wantAccounts) * len(wantTypes)
		if s.RunID != executionName || s.Status != "failed" {
			t.Errorf("run %q status %q, want %q failed", s.RunID, s.Status, executionName)
		}
		if s.Items.Total != n || s.Items.NotRun != n || s.Items.Succeeded+s.Items.Partial+s.Items.Failed != 0 {
			t.Errorf("items = %+v, want all %d not run", s.Items, n)
		}
		if s.Accounts != len(wantAccounts) || s.Collected != 0 {
			t.Errorf("accounts %d, resources %d; want %d, 0", s.Accounts, s.Collected, len(wantAccounts))
		}
		if len(s.FailedItems) != n {
			t.Errorf("failed_items lists %d, want %d", len(s.FailedItems), n)
		}
		for _, f := range s.FailedItems {
			if f.Status != "pending" || !strings.Contains(f.Error, "before this item ran") {
				t.Errorf("failed item %+v: want status pending, error saying it never ran", f)
				break
			}
		}
		if s.ReplayInput == nil || s.ReplayInput.Action != "collect" || s.ReplayInput.ReplayOf != executionName || len(s.ReplayInput.Items) != n {
			t.Fatalf("replay_input = %+v, want collect/replay_of %s with %d items", s.ReplayInput, executionName, n)
		}
		for _, it := range s.ReplayInput.Items {
			if it.RunID != "" || it.RoleName == "" || !slices.Equal(it.Regions, wantRegions) {
				t.Errorf("replay item %+v: want no run_id, the role and the planned regions", it)
				break
			}
		}
		if len(s.SkippedAccounts) != 1 {
			t.Errorf("skipped_accounts = %v, want Plan's one", s.SkippedAccounts)
		}
	}) {
		t.FailNow()
	}

	t.Run("cost of an empty inventory", func(t *testing.T) {
		var c struct {
			RunID     string   `json:"run_id"`
			Resources int      `json:"resources"`
			Priced    int      `json:"priced_resources"`
			Unpriced  int      `json:"unpriced_resources"`
			Total     *float64 `json:"total_monthly_usd"`
			Over      *bool    `json:"over_threshold"`
		}
		costOut = ok(t, "cost", `{"run_id":"`+executionName+`"}`, &c)
		if c.RunID != executionName || c.Resources != 0 || c.Priced != 0 || c.Unpriced != 0 ||
			c.Total == nil || *c.Total != 0 || c.Over == nil || *c.Over {
			t.Errorf("cost = %s", costOut)
		}
	})

	t.Run("security of an empty inventory", func(t *testing.T) {
		var s struct {
			RunID     string   `json:"run_id"`
			Score     *float64 `json:"compliance_score"`
			Evaluated int      `json:"resources_evaluated"`
			Findings  int      `json:"findings"`
			ChecksRun int      `json:"checks_run"`
		}
		secOut = ok(t, "security", `{"run_id":"`+executionName+`"}`, &s)
		if s.RunID != executionName || s.Score == nil || *s.Score != 100 || s.Evaluated != 0 || s.Findings != 0 || s.ChecksRun == 0 {
			t.Errorf("security = %s", secOut)
		}
	})

	if !t.Run("report writes the run's reports to the reports bucket", func(t *testing.T) {
		if costOut == nil || secOut == nil {
			t.Skip("cost or security failed")
		}
		// The whole state Report gets after a collection: Plan's output
		// under plan, the Map's ResultWriter details, the summary, and the
		// Parallel state's [cost, security].
		state, _ := json.Marshal(map[string]any{
			"plan": planOut,
			"map": map[string]any{"MapRunArn": "arn:aws:states:us-east-1:123456789012:mapRun:aws-inventory/CollectItems:1",
				"ResultWriterDetails": map[string]string{"Bucket": workBucket, "Key": "runs/" + executionName + "/results/manifest.json"}},
			"summary":  summary,
			"analysis": []json.RawMessage{costOut, secOut},
		})
		ok(t, "report", string(state), &reportOut)
		if reportOut.Bucket != reportBucket {
			t.Errorf("bucket = %q, want %q", reportOut.Bucket, reportBucket)
		}
		dated := regexp.MustCompile(`^reports/\d{4}/\d{2}/\d{2}/` + executionName + `/(inventory\.csv|inventory\.json|report\.html|summary\.json|cost-report\.csv)$`)
		latest := regexp.MustCompile(`^reports/latest/collect/(inventory\.csv|inventory\.json|report\.html|summary\.json)$`)
		var nDated, nLatest int
		var htmlKey, summaryKey string
		for _, k := range reportOut.Keys {
			switch {
			case dated.MatchString(k):
				nDated++
				if strings.HasSuffix(k, "/report.html") {
					htmlKey = k
				}
				if strings.HasSuffix(k, "/summary.json") {
					summaryKey = k
				}
			case latest.MatchString(k):
				nLatest++
			default:
				t.Errorf("unexpected key %q", k)
			}
			if _, _, err := s3.object(reportBucket, k); err != nil {
				t.Errorf("reported key not in the bucket: %v", err)
			}
		}
		// With a cost analysis in the state, the finance CSV is a fifth file.
		if nDated != 5 || nLatest != 4 {
			t.Fatalf("keys = %v, want five dated files (with cost-report.csv) and four under latest", reportOut.Keys)
		}
		if reportOut.HTML != "s3://"+reportBucket+"/"+htmlKey {
			t.Errorf("html = %q, want s3://%s/%s", reportOut.HTML, reportBucket, htmlKey)
		}
		html, contentType, err := s3.object(reportBucket, htmlKey)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(contentType, "text/html") || !strings.Contains(string(html), executionName) || !strings.Contains(string(html), executionARN) {
			t.Errorf("report.html (%s, %d bytes) does not name the run and the execution", contentType, len(html))
		}
		body, _, err := s3.object(reportBucket, summaryKey)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			RunID     string         `json:"run_id"`
			Action    string         `json:"action"`
			Resources *int           `json:"resources"`
			Summary   *summaryResult `json:"summary"`
			Cost      map[string]any `json:"cost"`
			Security  map[string]any `json:"security"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("summary.json: %v", err)
		}
		if doc.RunID != executionName || doc.Action != "collect" || doc.Resources == nil || *doc.Resources != 0 ||
			doc.Summary == nil || doc.Summary.Status != "failed" || doc.Cost == nil || doc.Security["compliance_score"] != 100.0 {
			t.Errorf("summary.json = %s", body)
		}
	}) {
		t.FailNow()
	}

	t.Run("plan replays the run's unsuccessful items from the store", func(t *testing.T) {
		var p planResult
		ok(t, "plan", `{"action":"collect","replay_of":"`+executionName+`"}`, &p)
		if p.ReplayOf != executionName || p.RunID == executionName || p.ItemCount != len(wantAccounts)*len(wantTypes) {
			t.Errorf("replay plan = %+v, want a new run replaying all %d items of %s", p, len(wantAccounts)*len(wantTypes), executionName)
		}
	})

	t.Run("bad inputs come back as InvalidInput", func(t *testing.T) {
		fails(t, "plan", `{"acounts":["1"]}`, "InvalidInput", `"acounts"`)
		fails(t, "plan", `{"replay_of":"run-missing"}`, "InvalidInput", "run-missing")
		fails(t, "plan", `{"accounts":["12345"]}`, "InvalidInput", "accounts", "12345")
		fails(t, "aggregate", `{"run_id":"run-missing"}`, "InvalidInput", "run-missing")
		fails(t, "cost", `{"run_id":"x","extra":1}`, "InvalidInput", `"extra"`)
	})

	t.Run("a store outage after init comes back as StoreError", func(t *testing.T) {
		proxy.down.Store(true)
		fails(t, "cost", `{"run_id":"`+executionName+`"}`, "StoreError")
		proxy.down.Store(false)
		if proxy.hits.Load() == 0 {
			t.Error("the outage proxy refused nothing: cost did not use the endpoint of its environment")
		}
		// The same execution environment serves the next invocation.
		var c map[string]any
		ok(t, "cost", `{"run_id":"`+executionName+`"}`, &c)
	})

	t.Run("logs carry EMF metrics and no credentials", func(t *testing.T) {
		planLog := fns["plan"].proc.out.String()
		emf := lines(planLog, `"_aws"`, `"ItemsPlanned"`)
		if len(emf) == 0 {
			t.Errorf("plan printed no EMF line with ItemsPlanned:\n%s", planLog)
		} else {
			var doc struct {
				AWS struct {
					CloudWatchMetrics []struct {
						Namespace string `json:"Namespace"`
					} `json:"CloudWatchMetrics"`
				} `json:"_aws"`
				ItemsPlanned float64 `json:"ItemsPlanned"`
			}
			line := emf[0][strings.Index(emf[0], "{"):]
			if err := json.Unmarshal([]byte(line), &doc); err != nil || len(doc.AWS.CloudWatchMetrics) == 0 ||
				doc.AWS.CloudWatchMetrics[0].Namespace != "AWSInventory" || doc.ItemsPlanned != float64(len(wantAccounts)*len(wantTypes)) {
				t.Errorf("EMF line %q: %v", emf[0], err)
			}
		}
		for name, metric := range map[string]string{"aggregate": "RunFailed", "cost": "EstimatedMonthlyCost", "security": "ComplianceScore"} {
			if len(lines(fns[name].proc.out.String(), `"_aws"`, `"`+metric+`"`)) == 0 {
				t.Errorf("%s printed no EMF line with %s", name, metric)
			}
		}
		for _, stage := range stages {
			f := fns[stage]
			out := f.proc.out.String()
			if len(lines(out, `"stage done"`, `"stage":"`+stage+`"`)) == 0 {
				t.Errorf("%s: no structured 'stage done' log line", stage)
			}
			for _, text := range append(f.responses(), out) {
				for _, v := range []string{secretAccessKey, accessKeyID} {
					if strings.Contains(text, v) {
						t.Errorf("%s: a log line or a response shows the credential %q", stage, v)
					}
				}
			}
		}
	})

	t.Run("each function served every invocation from one process", func(t *testing.T) {
		// Errors (InvalidInput, StoreError) are returned, not crashes: the
		// runtime is never restarted, so a function's dependencies are built
		// once per execution environment, as on Lambda.
		for _, stage := range stages {
			pids := fns[stage].bootstrapPIDs()
			t.Logf("%s: bootstrap pid %v", stage, pids)
			if len(pids) != 1 {
				t.Errorf("%s: bootstrap processes seen after its invocations: %v, want exactly one", stage, pids)
			}
		}
	})

	t.Run("S3 calls are path-style object calls only", func(t *testing.T) {
		// gofakes3 would answer bucket-configuration calls with a listing;
		// none may be made. Path-style: the SDK picks it for an IP endpoint.
		host := strings.TrimPrefix(s3.url, "http://")
		objectCall := regexp.MustCompile(`^(PUT|GET) ` + regexp.QuoteMeta(host) + ` /(` + workBucket + `|` + reportBucket + `)/[^?]+\?x-id=(PutObject|GetObject)$`)
		reqs := s3.requestLog()
		if len(reqs) == 0 {
			t.Fatal("no S3 request reached the stand-in")
		}
		for _, r := range reqs {
			if !objectCall.MatchString(r) {
				t.Errorf("S3 request %q is not a path-style object call", r)
			}
		}
	})
	t.Logf("scenario took %s", time.Since(began).Round(time.Millisecond))
}

// A function whose environment names a table that does not exist fails at
// init (lambdastart logs why and exits), and the runtime fails the invoke.
func TestInitFailsOnAMissingTable(t *testing.T) {
	sh := setup(t)
	dir, bootstrap := taskDir(t, sh, "plan")
	env := functionEnv(dir, "plan", sh.dynamo, "http://127.0.0.1:9")
	env[slices.Index(env, "DYNAMODB_TABLE_NAME="+table)] = "DYNAMODB_TABLE_NAME=no-such-table"
	f, err := startFunction(sh.bins.rie, bootstrap, dir, env, "plan")
	if err != nil {
		t.Fatal(err)
	}
	defer f.proc.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := f.call(ctx, `{}`)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("HTTP %d %s", r.Status, r.Body)
	// The emulator answers an init failure with 502 and no body (Lambda
	// itself would say Runtime.ExitError); the function's log says why.
	out := f.proc.out.String()
	if !r.failed() {
		t.Fatalf("invoke succeeded: %s", r.Body)
	}
	if len(lines(out, `"init failed"`, `"stage":"plan"`, "table no-such-table does not exist")) == 0 ||
		len(lines(out, "Runtime exited with error: exit status 1")) == 0 {
		t.Errorf("the log does not show the init failure naming the table:\n%s", out)
	}
}

// The parts of the stages' outputs the test reads, under the field names
// of the state machine contract (spelt out here rather than imported, so a
// renamed field fails the test).
type planResult struct {
	RunID                      string                       `json:"run_id"`
	ReplayOf                   string                       `json:"replay_of"`
	ItemCount                  int                          `json:"item_count"`
	Items                      struct{ Bucket, Key string } `json:"items"`
	SkippedAccounts            []map[string]any             `json:"skipped_accounts"`
	MaxConcurrency             int                          `json:"max_concurrency"`
	ToleratedFailurePercentage float64                      `json:"tolerated_failure_percentage"`
	Execution                  *struct {
		ARN  string `json:"arn"`
		Name string `json:"name"`
	} `json:"execution"`
}

type workItem struct {
	RunID        string   `json:"run_id"`
	AccountID    string   `json:"account_id"`
	AccountName  string   `json:"account_name"`
	Department   string   `json:"department"`
	RoleName     string   `json:"role_name"`
	ResourceType string   `json:"resource_type"`
	Regions      []string `json:"regions"`
}

func (a workItem) equal(b workItem) bool {
	return a.RunID == b.RunID && a.AccountID == b.AccountID && a.AccountName == b.AccountName &&
		a.Department == b.Department && a.RoleName == b.RoleName && a.ResourceType == b.ResourceType &&
		slices.Equal(a.Regions, b.Regions)
}

type summaryResult struct {
	RunID  string `json:"run_id"`
	Status string `json:"status"`
	Items  struct {
		Total     int `json:"total"`
		Succeeded int `json:"succeeded"`
		Partial   int `json:"partial"`
		Failed    int `json:"failed"`
		NotRun    int `json:"not_run"`
	} `json:"items"`
	Accounts    int `json:"accounts"`
	Collected   int `json:"resources_collected"`
	FailedItems []struct {
		AccountID    string `json:"account_id"`
		ResourceType string `json:"resource_type"`
		Status       string `json:"status"`
		Error        string `json:"error"`
	} `json:"failed_items"`
	SkippedAccounts []map[string]any `json:"skipped_accounts"`
	ReplayInput     *struct {
		Action   string     `json:"action"`
		ReplayOf string     `json:"replay_of"`
		Items    []workItem `json:"items"`
	} `json:"replay_input"`
}

type reportResult struct {
	Bucket string   `json:"bucket"`
	Keys   []string `json:"keys"`
	HTML   string   `json:"html"`
}
