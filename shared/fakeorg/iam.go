package fakeorg

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// IAMAccount is what the account-level security collectors read from IAM:
// the root user (GetAccountSummary and the credential report's
// <root_account> row), the password policy and the IAM users of the
// credential report.
type IAMAccount struct {
	RootCreated time.Time
	RootMFA     bool
	// RootKeys are the root user's access keys; nearly always both nil.
	RootKeys             [2]*IAMAccessKey
	RootPasswordLastUsed time.Time // zero: never used
	// PasswordPolicy is nil when the account has none (NoSuchEntity).
	PasswordPolicy *PasswordPolicy
	// Users are sorted by name, as the credential report lists them.
	Users []*IAMUser
	// Groups, Roles and Policies are counts GetAccountSummary reports.
	Groups, Roles, Policies int
	// ReportLag is how many calls a newly requested credential report
	// answers as still being generated (GenerateCredentialReport INPROGRESS,
	// GetCredentialReport ReportInProgress) before it is ready.
	ReportLag int
	report    credentialReportState
}

// PasswordPolicy is an account password policy as IAM reports it.
type PasswordPolicy struct {
	MinLength                                                          int
	RequireSymbols, RequireNumbers, RequireUppercase, RequireLowercase bool
	AllowUsersToChange                                                 bool
	MaxAgeDays                                                         int // 0: passwords never expire
	ReusePrevention                                                    int // 0: not enforced
	HardExpiry                                                         bool
}

// IAMUser is one IAM user as the credential report describes it.
type IAMUser struct {
	Name, Path string
	Created    time.Time
	Password   bool
	// PasswordLastUsed is zero when the password was never used; for a
	// user whose last sign-in predates IAM's tracking (October 2014)
	// PasswordNoInformation is set instead.
	PasswordLastUsed      time.Time
	PasswordNoInformation bool
	PasswordLastChanged   time.Time
	MFA                   bool
	Keys                  [2]*IAMAccessKey
}

// IAMAccessKey is one access key slot of the credential report.
type IAMAccessKey struct {
	Active      bool
	LastRotated time.Time
	// LastUsed is zero for a key never used.
	LastUsed                        time.Time
	LastUsedRegion, LastUsedService string
}

// ARN is the user's ARN in account.
func (u *IAMUser) ARN(accountID string) string {
	return "arn:aws:iam::" + accountID + ":user" + u.Path + u.Name
}

// credentialReportState is the account's credential report: requested or
// not, and how many more calls it stays in progress.
type credentialReportState struct {
	mu      sync.Mutex
	started bool
	pending int
}

// securityEnv is the account's environment read from its generated name
// (department-env-N); the management account is "management".
func securityEnv(a *Account) string {
	if parts := strings.Split(a.Name, "-"); len(parts) >= 3 {
		return parts[1]
	}
	return a.Name
}

// securityStrict reports whether the account is run with production care.
func securityStrict(a *Account) bool {
	env := securityEnv(a)
	return env == "prod" || env == "management"
}

func securityPick(strict bool, p, other float64) float64 {
	if strict {
		return p
	}
	return other
}

// generateSecurity draws the account-level security settings, each service
// from a random stream of its own so that neither depends on the other
// generators (nor they on it).
func (o *Org) generateSecurity(a *Account) {
	o.generateIAM(a)
	o.generateTrails(a)
	o.generateGuardDuty(a)
}

var (
	iamFirstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "wendy"}
	iamLastNames  = []string{"smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "anderson", "thomas", "moore", "martin", "lee", "walker", "young"}
	iamServices   = []string{"svc-ci-deploy", "terraform", "svc-backup", "svc-monitoring", "legacy-app", "svc-s3-sync", "jenkins", "svc-etl", "datadog-integration", "svc-smtp"}
	// iamKeyServices are services a key's last use is attributed to.
	iamKeyServices = []string{"s3", "sts", "ec2", "iam", "dynamodb", "lambda", "cloudformation", "ecr"}
	// iamTrackingSince is when IAM began recording password use; older
	// sign-ins show as no_information.
	iamTrackingSince = time.Date(2014, 10, 20, 0, 0, 0, 0, time.UTC)
)

// generateIAM draws the root user, password policy and a handful of users:
// root MFA mostly on, root keys rare, a policy in most accounts (some
// weak), and users with a realistic share of missing MFA, keys older than
// 90 days and inactive keys.
func (o *Org) generateIAM(a *Account) {
	rng := o.rngFor(a.ID, "iam")
	now := o.Spec.Now
	strict := securityStrict(a)
	ia := &IAMAccount{}
	a.IAM = ia
	back := rng.IntN(400)
	if rng.Float64() < 0.12 {
		back = 400 + rng.IntN(4000) // an account that predates the organization
	}
	ia.RootCreated = a.Joined.AddDate(0, 0, -back).Add(-time.Duration(rng.IntN(86400)) * time.Second)
	ia.RootMFA = rng.Float64() < securityPick(strict, 0.95, 0.8)
	if rng.Float64() < 0.05 {
		ia.RootKeys[0] = iamKey(rng, now, ia.RootCreated, a)
	}
	if rng.Float64() < 0.6 {
		ia.RootPasswordLastUsed = iamRecent(rng, now, ia.RootCreated, 200)
	}

	switch p := rng.Float64(); {
	case p < securityPick(strict, 0.08, 0.22):
		// no password policy
	case p < securityPick(strict, 0.28, 0.50):
		ia.PasswordPolicy = &PasswordPolicy{MinLength: 6 + rng.IntN(5), RequireNumbers: rng.Float64() < 0.5,
			RequireLowercase: rng.Float64() < 0.3, AllowUsersToChange: true}
	default:
		pp := &PasswordPolicy{MinLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercase: true,
			RequireLowercase: true, AllowUsersToChange: true, ReusePrevention: 24}
		if rng.Float64() < 0.25 {
			pp.MinLength = 16
		}
		if rng.Float64() < 0.15 {
			pp.ReusePrevention = 5
		}
		if rng.Float64() < 0.65 {
			pp.MaxAgeDays = 90
		}
		pp.HardExpiry = rng.Float64() < 0.05
		ia.PasswordPolicy = pp
	}

	n := int(math.Round(float64(2+rng.IntN(6)) * o.Spec.Scale))
	if securityEnv(a) == "management" {
		n = 1 + rng.IntN(3)
	}
	n = max(n, 1)
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		u := &IAMUser{Path: "/"}
		human := rng.Float64() < 0.65
		if human {
			u.Name = iamFirstNames[rng.IntN(len(iamFirstNames))] + "." + iamLastNames[rng.IntN(len(iamLastNames))]
		} else {
			u.Name = iamServices[rng.IntN(len(iamServices))]
			if rng.Float64() < 0.3 {
				u.Path = "/service/"
			}
		}
		for base, k := u.Name, 2; seen[u.Name]; k++ {
			u.Name = fmt.Sprintf("%s%d", base, k)
		}
		seen[u.Name] = true
		// Users of accounts older than IAM's sign-in tracking may not have
		// signed in since (no_information).
		legacy := human && ia.RootCreated.Before(iamTrackingSince.AddDate(0, 0, -30)) && rng.Float64() < 0.3
		u.Created = iamBetween(rng, ia.RootCreated, now.AddDate(0, 0, -20))
		if legacy {
			u.Created = iamBetween(rng, ia.RootCreated, iamTrackingSince)
		}
		if human {
			u.Password = rng.Float64() < 0.9
			if u.Password {
				u.PasswordLastChanged = iamBetween(rng, u.Created, now)
				switch p := rng.Float64(); {
				case legacy:
					u.PasswordNoInformation = true
				case p < 0.78:
					u.PasswordLastUsed = iamRecent(rng, now, u.PasswordLastChanged, 60)
				case p < 0.9:
					u.PasswordLastUsed = iamBetween(rng, u.PasswordLastChanged, now.AddDate(0, 0, -91))
				}
				u.MFA = rng.Float64() < securityPick(strict, 0.85, 0.65)
			}
			if rng.Float64() < 0.35 {
				u.Keys[0] = iamKey(rng, now, u.Created, a)
			}
		} else {
			if rng.Float64() < 0.95 {
				u.Keys[0] = iamKey(rng, now, u.Created, a)
			}
			if rng.Float64() < 0.15 {
				u.Keys[1] = iamKey(rng, now, u.Created, a)
			}
		}
		ia.Users = append(ia.Users, u)
	}
	sort.Slice(ia.Users, func(i, j int) bool { return ia.Users[i].Name < ia.Users[j].Name })
	ia.Groups, ia.Roles, ia.Policies = 1+rng.IntN(8), 10+rng.IntN(70), 2+rng.IntN(30)
	switch p := rng.Float64(); {
	case p < 0.6:
	case p < 0.9:
		ia.ReportLag = 1
	default:
		ia.ReportLag = 2
	}
}

// iamKey draws an access key: about half older than 90 days (never older
// than its user), 15% deactivated, most active ones used in the last weeks.
func iamKey(rng *rand.Rand, now, created time.Time, a *Account) *IAMAccessKey {
	k := &IAMAccessKey{}
	age := rng.IntN(90)
	if rng.Float64() < 0.45 {
		age = 90 + rng.IntN(900)
	}
	k.LastRotated = now.AddDate(0, 0, -age).Add(-time.Duration(rng.IntN(86400)) * time.Second)
	if k.LastRotated.Before(created) {
		k.LastRotated = created.Add(time.Duration(1+rng.IntN(3600)) * time.Second)
	}
	k.Active = rng.Float64() >= 0.15
	used := false
	if k.Active {
		used = rng.Float64() < 0.85
	} else {
		used = rng.Float64() < 0.4
	}
	if used {
		k.LastUsed = iamBetween(rng, k.LastRotated, now)
		regions := a.EnabledRegions()
		k.LastUsedRegion = regions[rng.IntN(len(regions))]
		k.LastUsedService = iamKeyServices[rng.IntN(len(iamKeyServices))]
	}
	return k
}

// iamBetween is a whole-second time in [from, to).
func iamBetween(rng *rand.Rand, from, to time.Time) time.Time {
	d := to.Sub(from)
	if d <= time.Second {
		return from
	}
	return from.Add(time.Duration(rng.Int64N(int64(d/time.Second))) * time.Second)
}

// iamRecent is a whole-second time within the last days before now, not
// before floor.
func iamRecent(rng *rand.Rand, now, floor time.Time, days int) time.Time {
	from := now.AddDate(0, 0, -days)
	if from.Before(floor) {
		from = floor
	}
	return iamBetween(rng, from, now)
}

// --- API ---

func iamHandlers() map[string]handler {
	return map[string]handler{
		"IAM.GetAccountSummary":        iamGetAccountSummary,
		"IAM.GetAccountPasswordPolicy": iamGetAccountPasswordPolicy,
		"IAM.GenerateCredentialReport": iamGenerateCredentialReport,
		"IAM.GetCredentialReport":      iamGetCredentialReport,
	}
}

// iamOf is the caller's IAM. IAM is global: any client region reaches it.
func (o *Org) iamOf(c *Call) (*Account, *IAMAccount, error) {
	a, ok := o.Account(c.AccountID)
	if !ok || a.IAM == nil {
		return nil, nil, apiError("InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	return a, a.IAM, nil
}

func iamFlag(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

func iamGetAccountSummary(o *Org, c *Call) (any, error) {
	_, ia, err := o.iamOf(c)
	if err != nil {
		return nil, err
	}
	var mfa, keys int32
	for _, u := range ia.Users {
		mfa += iamFlag(u.MFA)
	}
	mfa += iamFlag(ia.RootMFA)
	for _, k := range ia.RootKeys {
		keys += iamFlag(k != nil)
	}
	return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{
		"Users": int32(len(ia.Users)), "UsersQuota": 5000,
		"Groups": int32(ia.Groups), "GroupsQuota": 300, "GroupsPerUserQuota": 10,
		"Roles": int32(ia.Roles), "RolesQuota": 1000,
		"Policies": int32(ia.Policies), "PoliciesQuota": 1500, "PolicySizeQuota": 6144,
		"PolicyVersionsInUse": int32(ia.Policies + ia.Roles), "PolicyVersionsInUseQuota": 10000, "VersionsPerPolicyQuota": 5,
		"InstanceProfiles": int32(ia.Roles / 3), "InstanceProfilesQuota": 1000,
		"ServerCertificates": 0, "ServerCertificatesQuota": 20, "Providers": 1,
		"MFADevices": mfa, "MFADevicesInUse": mfa,
		"AccountMFAEnabled":                 iamFlag(ia.RootMFA),
		"AccountAccessKeysPresent":          iamFlag(keys > 0),
		"AccountSigningCertificatesPresent": 0,
		"AccessKeysPerUserQuota":            2, "SigningCertificatesPerUserQuota": 2,
		"AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerGroupQuota": 10, "AttachedPoliciesPerRoleQuota": 10,
		"UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240,
		"AssumeRolePolicySizeQuota": 2048, "GlobalEndpointTokenVersion": 1,
	}}, nil
}

func iamGetAccountPasswordPolicy(o *Org, c *Call) (any, error) {
	a, ia, err := o.iamOf(c)
	if err != nil {
		return nil, err
	}
	pp := ia.PasswordPolicy
	if pp == nil {
		return nil, apiError("NoSuchEntity", fmt.Sprintf("The Password Policy with domain name %s cannot be found.", a.ID))
	}
	out := &iamtypes.PasswordPolicy{
		MinimumPasswordLength:      aws.Int32(int32(pp.MinLength)),
		RequireSymbols:             pp.RequireSymbols,
		RequireNumbers:             pp.RequireNumbers,
		RequireUppercaseCharacters: pp.RequireUppercase,
		RequireLowercaseCharacters: pp.RequireLowercase,
		AllowUsersToChangePassword: pp.AllowUsersToChange,
		ExpirePasswords:            pp.MaxAgeDays > 0,
		HardExpiry:                 aws.Bool(pp.HardExpiry),
	}
	if pp.MaxAgeDays > 0 {
		out.MaxPasswordAge = aws.Int32(int32(pp.MaxAgeDays))
	}
	if pp.ReusePrevention > 0 {
		out.PasswordReusePrevention = aws.Int32(int32(pp.ReusePrevention))
	}
	return &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: out}, nil
}

// iamGenerateCredentialReport starts a report on the first call; later
// calls answer INPROGRESS until it is ready, then COMPLETE (IAM keeps a
// report for four hours; the fake keeps it for the org's life).
func iamGenerateCredentialReport(o *Org, c *Call) (any, error) {
	_, ia, err := o.iamOf(c)
	if err != nil {
		return nil, err
	}
	r := &ia.report
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case !r.started:
		r.started, r.pending = true, ia.ReportLag
		return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeStarted,
			Description: aws.String("No report exists. Starting a new report generation task")}, nil
	case r.pending > 0:
		r.pending--
		return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeInprogress,
			Description: aws.String("Report generation task is ongoing")}, nil
	}
	return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete}, nil
}

func iamGetCredentialReport(o *Org, c *Call) (any, error) {
	a, ia, err := o.iamOf(c)
	if err != nil {
		return nil, err
	}
	r := &ia.report
	r.mu.Lock()
	switch {
	case !r.started:
		r.mu.Unlock()
		return nil, apiError("ReportNotPresent", "Credential report does not exist. Use GenerateCredentialReport to generate a credential report.")
	case r.pending > 0:
		r.pending--
		r.mu.Unlock()
		return nil, apiError("ReportInProgress", "Credential report is being generated.")
	}
	r.mu.Unlock()
	return &iam.GetCredentialReportOutput{
		Content:       o.CredentialReport(a),
		GeneratedTime: aws.Time(o.Spec.Now),
		ReportFormat:  iamtypes.ReportFormatTypeTextCsv,
	}, nil
}

// CredentialReportHeader is the credential report's first line, as IAM
// documents it.
var CredentialReportHeader = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// iamReportTime is the report's timestamp format: ISO 8601 with +00:00.
func iamReportTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05") + "+00:00"
}

func iamReportTimeOr(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return iamReportTime(t)
}

func iamKeyColumns(k *IAMAccessKey) []string {
	if k == nil {
		return []string{"false", "N/A", "N/A", "N/A", "N/A"}
	}
	cols := []string{fmt.Sprint(k.Active), iamReportTime(k.LastRotated), "N/A", "N/A", "N/A"}
	if !k.LastUsed.IsZero() {
		cols[2], cols[3], cols[4] = iamReportTime(k.LastUsed), k.LastUsedRegion, k.LastUsedService
	}
	return cols
}

// CredentialReport is the account's credential report as IAM returns it:
// CSV with the documented header, the root user's row first, then one row
// per user; "N/A", "not_supported" and "no_information" where IAM writes them.
func (o *Org) CredentialReport(a *Account) []byte {
	ia := a.IAM
	rows := [][]string{CredentialReportHeader}
	root := []string{"<root_account>", "arn:aws:iam::" + a.ID + ":root", iamReportTime(ia.RootCreated), "not_supported",
		iamReportTimeOr(ia.RootPasswordLastUsed, "N/A"), "not_supported", "not_supported", fmt.Sprint(ia.RootMFA)}
	root = append(root, iamKeyColumns(ia.RootKeys[0])...)
	root = append(root, iamKeyColumns(ia.RootKeys[1])...)
	rows = append(rows, append(root, "false", "N/A", "false", "N/A"))
	for _, u := range ia.Users {
		row := []string{u.Name, u.ARN(a.ID), iamReportTime(u.Created), fmt.Sprint(u.Password), "N/A", "N/A", "N/A", fmt.Sprint(u.MFA)}
		if u.Password {
			row[4] = iamReportTimeOr(u.PasswordLastUsed, "N/A")
			if u.PasswordNoInformation {
				row[4] = "no_information"
			}
			row[5] = iamReportTime(u.PasswordLastChanged)
			if pp := ia.PasswordPolicy; pp != nil && pp.MaxAgeDays > 0 {
				row[6] = iamReportTime(u.PasswordLastChanged.AddDate(0, 0, pp.MaxAgeDays))
			}
		}
		row = append(row, iamKeyColumns(u.Keys[0])...)
		row = append(row, iamKeyColumns(u.Keys[1])...)
		rows = append(rows, append(row, "false", "N/A", "false", "N/A"))
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows) // a bytes.Buffer does not fail
	return b.Bytes()
}

// --- ground truth ---

// expectedIAM is what the iam_account and iam_user collectors must emit for
// the account, from the model: one iam_account record (with the CloudTrail
// summary seen from the account's home region, its first region, where the
// pipeline runs global collectors) and one iam_user record per user. Both
// types are recorded under the global region.
func (o *Org) expectedIAM(a *Account) []inventory.Record {
	ia := a.IAM
	acct := map[string]any{
		"root_mfa_enabled": ia.RootMFA,
		"root_access_keys": ia.RootKeys[0] != nil || ia.RootKeys[1] != nil,
		"users":            len(ia.Users),
		"password_policy":  ia.PasswordPolicy != nil,
	}
	if pp := ia.PasswordPolicy; pp != nil {
		acct["min_length"] = pp.MinLength
		acct["require_symbols"] = pp.RequireSymbols
		acct["require_numbers"] = pp.RequireNumbers
		acct["require_uppercase"] = pp.RequireUppercase
		acct["require_lowercase"] = pp.RequireLowercase
		acct["allow_users_to_change_password"] = pp.AllowUsersToChange
		acct["expire"] = pp.MaxAgeDays > 0
		acct["hard_expiry"] = pp.HardExpiry
		if pp.MaxAgeDays > 0 {
			acct["max_age_days"] = pp.MaxAgeDays
		}
		if pp.ReusePrevention > 0 {
			acct["reuse_prevention"] = pp.ReusePrevention
		}
	}
	n, logging, validated := a.trailSummary(a.Regions[0].Name)
	acct["trails"], acct["multi_region_logging_trail"], acct["trail_log_validation"] = n, logging, validated
	out := []inventory.Record{truthRecord(a, inventory.GlobalRegion, "iam_account", a.ID, "arn:aws:iam::"+a.ID+":root", nil, acct)}
	rfc := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	for _, u := range ia.Users {
		m := map[string]any{
			"name": u.Name, "user_creation_time": rfc(u.Created),
			"password_enabled": u.Password, "mfa_active": u.MFA,
		}
		if u.Password {
			m["password_last_changed"] = rfc(u.PasswordLastChanged)
			if !u.PasswordLastUsed.IsZero() {
				m["password_last_used"] = rfc(u.PasswordLastUsed)
			}
		}
		for i, k := range u.Keys {
			p := fmt.Sprintf("access_key_%d_", i+1)
			m[p+"active"] = k != nil && k.Active
			if k == nil {
				continue
			}
			m[p+"last_rotated"] = rfc(k.LastRotated)
			if !k.LastUsed.IsZero() {
				m[p+"last_used_date"] = rfc(k.LastUsed)
			}
		}
		out = append(out, truthRecord(a, inventory.GlobalRegion, "iam_user", u.Name, u.ARN(a.ID), nil, m))
	}
	return out
}
