// Package fakeorg is a synthetic AWS organization: accounts, OUs, regions and
// resources generated deterministically from a seed and a size, answered
// underneath the real aws-sdk-go-v2 clients (see serve.go) so paginators,
// stscreds, the retryer and client-side rate limiting run exactly as they do
// against AWS. It is the demo, the test fixture and the benchmark load, and it
// knows the ground truth it generated (truth.go).
package fakeorg

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Spec sizes and shapes an organization. The same Spec always generates the
// same organization (given the same Now).
type Spec struct {
	Seed uint64
	// Accounts is the number of member accounts (the management account is
	// extra and holds no workload).
	Accounts int
	// Regions is how many regions are enabled in every account.
	Regions int
	// Scale multiplies resource counts; 1 is a typical small workload account.
	Scale float64
	// Latency is added to every call.
	Latency time.Duration
	// Throttle enforces AWS-like token buckets per account, region and API
	// class and answers Throttling/RequestLimitExceeded when one runs dry.
	Throttle bool
	// Denied accounts refuse AssumeRole (AccessDenied) until lifted with Allow.
	Denied int
	// Suspended accounts are listed by Organizations as SUSPENDED.
	Suspended int
	// OptOut regions exist in every account but are not opted in.
	OptOut int
	// ExternalID, when set, must be passed to AssumeRole.
	ExternalID string
	// MemberRole is the role name AssumeRole accepts in member accounts.
	MemberRole string
	// Now anchors every generated date (launch times, stopped-since dates).
	Now time.Time
}

// DefaultSpec is the demo organization: a few dozen accounts.
func DefaultSpec() Spec {
	return Spec{
		Seed: 42, Accounts: 36, Regions: 3, Scale: 1,
		Denied: 1, Suspended: 1, OptOut: 1,
		ExternalID: "inventory-collector", MemberRole: "AWSInventoryRole",
		Now: time.Now().UTC().Truncate(24 * time.Hour),
	}
}

// ParseSpec reads a demo spec such as
// "accounts=200,regions=4,latency=20ms,throttle=on,denied=1,seed=7" over the
// defaults. An empty string gives DefaultSpec.
func ParseSpec(s string) (Spec, error) {
	sp := DefaultSpec()
	if strings.TrimSpace(s) == "" {
		return sp, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return sp, fmt.Errorf("demo spec %q: %q is not key=value (keys: %s)", s, kv, specKeys)
		}
		var err error
		switch k {
		case "seed":
			sp.Seed, err = strconv.ParseUint(v, 10, 64)
		case "accounts":
			sp.Accounts, err = positive(v)
		case "regions":
			sp.Regions, err = positive(v)
			if err == nil && sp.Regions > len(enabledRegionNames) {
				err = fmt.Errorf("at most %d", len(enabledRegionNames))
			}
		case "scale":
			sp.Scale, err = strconv.ParseFloat(v, 64)
			if err == nil && sp.Scale <= 0 {
				err = fmt.Errorf("must be > 0")
			}
		case "latency":
			sp.Latency, err = time.ParseDuration(v)
		case "throttle":
			sp.Throttle, err = strconv.ParseBool(strings.NewReplacer("on", "true", "off", "false").Replace(v))
		case "denied":
			sp.Denied, err = strconv.Atoi(v)
		case "suspended":
			sp.Suspended, err = strconv.Atoi(v)
		case "optout":
			sp.OptOut, err = strconv.Atoi(v)
			if err == nil && sp.OptOut > len(optInRegionNames) {
				err = fmt.Errorf("at most %d", len(optInRegionNames))
			}
		case "external_id":
			sp.ExternalID = v
		default:
			return sp, fmt.Errorf("demo spec %q: unknown key %q (keys: %s)", s, k, specKeys)
		}
		if err != nil {
			return sp, fmt.Errorf("demo spec %q: %s=%q: %v", s, k, v, err)
		}
	}
	if sp.Denied < 0 || sp.Suspended < 0 || sp.Denied+sp.Suspended >= sp.Accounts {
		return sp, fmt.Errorf("demo spec %q: denied+suspended must be >= 0 and leave at least one healthy account", s)
	}
	return sp, nil
}

const specKeys = "seed, accounts, regions, scale, latency, throttle, denied, suspended, optout, external_id"

func positive(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err == nil && n <= 0 {
		err = fmt.Errorf("must be > 0")
	}
	return n, err
}

// Regions enabled by default in every account, in the order a Spec takes them.
var enabledRegionNames = []string{
	"us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1",
	"ap-northeast-1", "us-east-2", "ca-central-1", "sa-east-1", "eu-west-2",
	"ap-south-1", "eu-north-1", "ap-southeast-1", "us-west-1", "eu-west-3",
	"ap-northeast-2", "ap-northeast-3",
}

// Opt-in regions that exist but are not enabled in the organization.
var optInRegionNames = []string{"ap-south-2", "ap-southeast-4", "me-central-1", "af-south-1", "eu-south-2"}

// Account statuses as Organizations reports them.
const (
	StatusActive         = "ACTIVE"
	StatusSuspended      = "SUSPENDED"
	StatusPendingClosure = "PENDING_CLOSURE"
)

// OU is an organizational unit (or the root).
type OU struct {
	ID, Name, ParentID string
}

// Account is one member account and everything in it.
type Account struct {
	ID, Name, Email, Status string
	OUID                    string
	Department              string
	Joined                  time.Time
	Regions                 []*Region
	// Buckets live in the account (S3 is listed globally), each with a region.
	Buckets []*Bucket
	// S3PublicAccessBlock is the account-level S3 Block Public Access
	// (S3 Control), nil when it was never configured (s3control.go).
	S3PublicAccessBlock *BucketPublicAccessBlock
	// IAM is the account's root user, password policy and IAM users (iam.go).
	IAM *IAMAccount
	// Trails are the account's CloudTrail trails, each homed in one region
	// (cloudtrail.go).
	Trails []*Trail
}

// Region is one region of one account.
type Region struct {
	Name string
	// OptIn is DescribeRegions' OptInStatus.
	OptIn  string
	EC2    EC2Region
	RDS    RDSRegion
	Lambda LambdaRegion
	// GuardDuty is the region's detector; nil when GuardDuty was never
	// enabled there (guardduty.go).
	GuardDuty *GuardDutyDetector
}

// Enabled reports whether the region is usable in the account.
func (r *Region) Enabled() bool { return r.OptIn != "not-opted-in" }

// Org is a generated organization. Methods are safe for concurrent use.
type Org struct {
	Spec         Spec
	ID           string
	Management   *Account
	Root         OU
	OUs          []OU
	Accounts     []*Account // members, sorted by ID
	byID         map[string]*Account
	metrics      *metricStore
	throttle     *throttler
	mu           sync.Mutex
	denied       map[string]bool
	counts       callCounts
	recordedOps  sync.Map // "Service.Operation" -> true
	accessKeyFor func(accountID string) string
}

var departments = []string{"Engineering", "Marketing", "Finance", "Data", "Platform", "Security", "Sales"}
var envs = []string{"prod", "staging", "dev"}

// New generates the organization described by sp.
func New(sp Spec) *Org {
	if sp.Scale == 0 {
		sp.Scale = 1
	}
	if sp.MemberRole == "" {
		sp.MemberRole = "AWSInventoryRole"
	}
	if sp.Now.IsZero() {
		sp.Now = time.Now().UTC().Truncate(24 * time.Hour)
	}
	rng := rand.New(rand.NewPCG(sp.Seed, 0x9e3779b97f4a7c15))
	o := &Org{
		Spec:    sp,
		ID:      "o-" + randLower(rng, 10),
		byID:    map[string]*Account{},
		metrics: newMetricStore(),
		denied:  map[string]bool{},
	}
	o.throttle = newThrottler(sp.Throttle)
	rootID := "r-" + randLower(rng, 4)
	o.Root = OU{ID: rootID, Name: "Root"}
	mk := func(name, parent string) OU {
		ou := OU{ID: fmt.Sprintf("ou-%s-%s", rootID[2:], randLower(rng, 8)), Name: name, ParentID: parent}
		o.OUs = append(o.OUs, ou)
		return ou
	}
	workloads := mk("Workloads", rootID)
	prod := mk("Prod", workloads.ID)
	nonprod := mk("NonProd", workloads.ID)
	sandbox := mk("Sandbox", rootID)
	suspendedOU := mk("Suspended", rootID)

	o.Management = &Account{ID: accountID(rng), Name: "management", Email: "aws-management@example.com",
		Status: StatusActive, OUID: rootID, Department: "Platform", Joined: sp.Now.AddDate(-6, 0, 0)}
	for i := 0; i < sp.Regions; i++ {
		o.Management.Regions = append(o.Management.Regions, &Region{Name: enabledRegionNames[i], OptIn: "opt-in-not-required"})
	}
	o.generateSecurity(o.Management)
	seen := map[string]bool{o.Management.ID: true}
	for i := 0; i < sp.Accounts; i++ {
		id := accountID(rng)
		for seen[id] {
			id = accountID(rng)
		}
		seen[id] = true
		dept := departments[i%len(departments)]
		env := envs[(i/len(departments))%len(envs)]
		ou := prod
		switch {
		case env != "prod":
			ou = nonprod
		case i%11 == 10:
			ou = sandbox
		}
		a := &Account{
			ID: id, Name: fmt.Sprintf("%s-%s-%d", strings.ToLower(dept), env, i/(len(departments)*len(envs))+1),
			Status: StatusActive, OUID: ou.ID, Department: dept,
			Joined: sp.Now.AddDate(0, -rng.IntN(60)-1, 0),
		}
		a.Email = "aws+" + a.Name + "@example.com"
		o.Accounts = append(o.Accounts, a)
	}
	// Suspended and denied accounts are taken from the end of the generated
	// list, so the first accounts stay healthy whatever the spec says.
	for i := 0; i < sp.Suspended && i < len(o.Accounts); i++ {
		a := o.Accounts[len(o.Accounts)-1-i]
		a.Status = StatusSuspended
		if i%2 == 1 {
			a.Status = StatusPendingClosure
		}
		a.OUID = suspendedOU.ID
	}
	for i := 0; i < sp.Denied; i++ {
		j := len(o.Accounts) - 1 - sp.Suspended - i
		if j >= 0 {
			o.denied[o.Accounts[j].ID] = true
		}
	}
	for _, a := range o.Accounts {
		o.byID[a.ID] = a
		o.generateAccount(a)
	}
	o.byID[o.Management.ID] = o.Management
	sort.Slice(o.Accounts, func(i, j int) bool { return o.Accounts[i].ID < o.Accounts[j].ID })
	return o
}

// generateAccount fills one account's regions and resources from a random
// stream of its own, so an account's content does not depend on how many
// other accounts the spec asks for.
func (o *Org) generateAccount(a *Account) {
	for i := 0; i < o.Spec.Regions; i++ {
		r := &Region{Name: enabledRegionNames[i], OptIn: "opt-in-not-required"}
		rng := o.rngFor(a.ID, r.Name)
		g := &gen{org: o, rng: rng, acct: a, region: r}
		g.ec2()
		g.rds()
		g.lambda()
		g.s3()
		a.Regions = append(a.Regions, r)
	}
	for i := 0; i < o.Spec.OptOut; i++ {
		a.Regions = append(a.Regions, &Region{Name: optInRegionNames[i], OptIn: "not-opted-in"})
	}
	o.generateS3Account(a)
	o.generateSecurity(a)
}

func (o *Org) rngFor(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(o.Spec.Seed, h.Sum64()))
}

// gen carries what the per-service generators need for one account region.
type gen struct {
	org    *Org
	rng    *rand.Rand
	acct   *Account
	region *Region
}

// count scales a base count by the spec's Scale, deterministically.
func (g *gen) count(base int) int {
	n := float64(base) * g.org.Spec.Scale
	whole := int(n)
	if g.rng.Float64() < n-float64(whole) {
		whole++
	}
	return whole
}

// Account returns the account with that ID (members and management).
func (o *Org) Account(id string) (*Account, bool) {
	a, ok := o.byID[id]
	return a, ok
}

// Region returns one region of an account.
func (a *Account) Region(name string) (*Region, bool) {
	for _, r := range a.Regions {
		if r.Name == name {
			return r, true
		}
	}
	return nil, false
}

// Deny makes AssumeRole into the accounts fail with AccessDenied.
func (o *Org) Deny(ids ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		o.denied[id] = true
	}
}

// Allow lifts AccessDenied faults (all of them when no ID is given).
func (o *Org) Allow(ids ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(ids) == 0 {
		o.denied = map[string]bool{}
	}
	for _, id := range ids {
		delete(o.denied, id)
	}
}

// DeniedAccounts lists the accounts that currently refuse AssumeRole.
func (o *Org) DeniedAccounts() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for id := range o.denied {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (o *Org) isDenied(id string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.denied[id]
}

func accountID(rng *rand.Rand) string {
	return fmt.Sprintf("%012d", 100000000000+rng.Int64N(899999999999))
}

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

func randLower(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = lowerAlnum[rng.IntN(len(lowerAlnum))]
	}
	return string(b)
}

func randHex(rng *rand.Rand, n int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[rng.IntN(16)]
	}
	return string(b)
}
