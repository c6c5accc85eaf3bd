package fakeorg

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/cloudinv/aws-inventory/shared/inventory"
)

// Trail is one CloudTrail trail of an account, created in (homed in) one
// region. A multi-region trail is replicated as a shadow trail into every
// other region, where DescribeTrails lists it (unless includeShadowTrails
// is false) and GetTrailStatus answers for it by ARN.
type Trail struct {
	Name, ARN, HomeRegion string
	MultiRegion           bool
	GlobalServiceEvents   bool
	Logging               bool
	LogFileValidation     bool
	KMSKeyID              string // "" when logs are SSE-S3 encrypted
	S3Bucket, S3KeyPrefix string
	LogGroupARN           string // "" without CloudWatch Logs delivery
	LogsRoleARN           string
	DataEvents            bool // has custom event selectors
	StartedLogging        time.Time
	StoppedLogging        time.Time // zero unless logging was stopped
}

var ctMultiRegionNames = []string{"management-events", "account-trail", "cloudtrail-all-regions", "audit-trail", "org-security-trail"}

// generateTrails draws the account's trails: most accounts have one
// multi-region trail that logs, some have stopped it, some only have a
// single-region trail, a few none; some add a data-events trail.
func (o *Org) generateTrails(a *Account) {
	rng := o.rngFor(a.ID, "cloudtrail")
	now := o.Spec.Now
	regions := a.EnabledRegions()
	home := regions[0]
	somewhere := func() string { return regions[rng.IntN(len(regions))] }
	// Trails deliver to one of the account's own log buckets when it has
	// one, else to a bucket elsewhere (a log archive account).
	var logBuckets []string
	for _, b := range a.Buckets {
		if strings.Contains(b.Name, "-logs-") {
			logBuckets = append(logBuckets, b.Name)
		}
	}
	sort.Strings(logBuckets)
	mk := func(name, region string, multi bool) *Trail {
		t := &Trail{Name: name, HomeRegion: region, MultiRegion: multi,
			ARN:      fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, a.ID, name),
			S3Bucket: fmt.Sprintf("aws-cloudtrail-logs-%s-%s", a.ID, randHex(rng, 8)),
		}
		if len(logBuckets) > 0 && rng.Float64() < 0.7 {
			t.S3Bucket = logBuckets[rng.IntN(len(logBuckets))]
		}
		t.GlobalServiceEvents = multi || rng.Float64() < 0.5
		t.LogFileValidation = rng.Float64() < securityPick(multi, 0.8, 0.5)
		if rng.Float64() < 0.35 {
			t.KMSKeyID = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, a.ID, s3RandUUID(rng))
		}
		if rng.Float64() < 0.2 {
			t.S3KeyPrefix = "cloudtrail"
		}
		if rng.Float64() < 0.3 {
			t.LogGroupARN = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:aws-cloudtrail-logs-%s:*", region, a.ID, a.ID)
			t.LogsRoleARN = fmt.Sprintf("arn:aws:iam::%s:role/CloudTrailRoleForCloudWatchLogs", a.ID)
		}
		t.StartedLogging = a.Joined.AddDate(0, 0, rng.IntN(30)).Add(time.Duration(rng.IntN(86400)) * time.Second)
		if t.StartedLogging.After(now) {
			t.StartedLogging = now.Add(-time.Hour)
		}
		a.Trails = append(a.Trails, t)
		return t
	}
	p := rng.Float64()
	if securityEnv(a) == "management" {
		p = 0 // the management account keeps its organization-wide audit trail
	}
	mrHome := home
	if rng.Float64() < 0.2 {
		mrHome = somewhere()
	}
	switch {
	case p < 0.72:
		t := mk(ctMultiRegionNames[rng.IntN(len(ctMultiRegionNames))], mrHome, true)
		t.Logging = true
	case p < 0.80:
		t := mk(ctMultiRegionNames[rng.IntN(len(ctMultiRegionNames))], mrHome, true)
		t.StoppedLogging = iamBetween(rng, t.StartedLogging, now)
	case p < 0.92:
		region := home
		if rng.Float64() < 0.3 {
			region = somewhere()
		}
		t := mk(region+"-trail", region, false)
		t.Logging = rng.Float64() < 0.85
		if !t.Logging {
			t.StoppedLogging = iamBetween(rng, t.StartedLogging, now)
		}
	}
	if rng.Float64() < 0.15 {
		t := mk("s3-data-events", somewhere(), false)
		t.DataEvents = true
		t.Logging = rng.Float64() < 0.8
		if !t.Logging {
			t.StoppedLogging = iamBetween(rng, t.StartedLogging, now)
		}
	}
	sort.Slice(a.Trails, func(i, j int) bool { return a.Trails[i].ARN < a.Trails[j].ARN })
}

// trailsIn lists the trails DescribeTrails answers in region: the trails
// homed there, and with shadows the multi-region trails homed elsewhere.
func (a *Account) trailsIn(region string, shadows bool) []*Trail {
	var out []*Trail
	for _, t := range a.Trails {
		if t.HomeRegion == region || (shadows && t.MultiRegion) {
			out = append(out, t)
		}
	}
	return out
}

// trailSummary is what iam_account reports about CloudTrail from region:
// the trails DescribeTrails lists there with shadows, whether one of them is
// a multi-region trail that logs, and whether such a trail validates its
// log files.
func (a *Account) trailSummary(region string) (n int, multiRegionLogging, validated bool) {
	ts := a.trailsIn(region, true)
	for _, t := range ts {
		if t.MultiRegion && t.Logging {
			multiRegionLogging = true
			validated = validated || t.LogFileValidation
		}
	}
	return len(ts), multiRegionLogging, validated
}

// --- API ---

func cloudtrailHandlers() map[string]handler {
	return map[string]handler{
		"CloudTrail.ListTrails":     ctListTrails,
		"CloudTrail.DescribeTrails": ctDescribeTrails,
		"CloudTrail.GetTrailStatus": ctGetTrailStatus,
	}
}

// ctListTrailsPage is small so paginators page in tests.
const ctListTrailsPage = 1

// ctListTrails lists every trail of the account whatever its home region.
func ctListTrails(o *Org, c *Call) (any, error) {
	a, _, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*cloudtrail.ListTrailsInput)
	var all []cttypes.TrailInfo
	for _, t := range a.Trails {
		all = append(all, cttypes.TrailInfo{Name: aws.String(t.Name), TrailARN: aws.String(t.ARN), HomeRegion: aws.String(t.HomeRegion)})
	}
	items, next, err := page(all, in.NextToken, nil, ctListTrailsPage)
	if err != nil {
		return nil, apiError("InvalidNextTokenException", "Invalid NextToken")
	}
	return &cloudtrail.ListTrailsOutput{Trails: items, NextToken: next}, nil
}

// ctFind resolves a trail name or ARN as CloudTrail does in region: a name
// finds a trail homed there; an ARN also finds the shadow of a multi-region
// trail homed elsewhere.
func ctFind(a *Account, region, ref string) *Trail {
	for _, t := range a.Trails {
		if strings.HasPrefix(ref, "arn:") {
			if t.ARN == ref && (t.HomeRegion == region || t.MultiRegion) {
				return t
			}
		} else if t.Name == ref && t.HomeRegion == region {
			return t
		}
	}
	return nil
}

func ctDescribeTrails(o *Org, c *Call) (any, error) {
	a, _, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	in := c.Input.(*cloudtrail.DescribeTrailsInput)
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	var ts []*Trail
	if len(in.TrailNameList) == 0 {
		ts = a.trailsIn(c.Region, shadows)
	} else {
		for _, ref := range in.TrailNameList {
			if t := ctFind(a, c.Region, ref); t != nil && (shadows || t.HomeRegion == c.Region) {
				ts = append(ts, t)
			}
		}
	}
	out := &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{}}
	for _, t := range ts {
		ct := cttypes.Trail{
			Name: aws.String(t.Name), TrailARN: aws.String(t.ARN), HomeRegion: aws.String(t.HomeRegion),
			IsMultiRegionTrail:         aws.Bool(t.MultiRegion),
			IncludeGlobalServiceEvents: aws.Bool(t.GlobalServiceEvents),
			LogFileValidationEnabled:   aws.Bool(t.LogFileValidation),
			IsOrganizationTrail:        aws.Bool(false),
			HasCustomEventSelectors:    aws.Bool(t.DataEvents),
			HasInsightSelectors:        aws.Bool(false),
			S3BucketName:               aws.String(t.S3Bucket),
		}
		if t.S3KeyPrefix != "" {
			ct.S3KeyPrefix = aws.String(t.S3KeyPrefix)
		}
		if t.KMSKeyID != "" {
			ct.KmsKeyId = aws.String(t.KMSKeyID)
		}
		if t.LogGroupARN != "" {
			ct.CloudWatchLogsLogGroupArn, ct.CloudWatchLogsRoleArn = aws.String(t.LogGroupARN), aws.String(t.LogsRoleARN)
		}
		out.TrailList = append(out.TrailList, ct)
	}
	return out, nil
}

// ctGetTrailStatus answers for a trail homed in the caller's region (by
// name or ARN) or the shadow of a multi-region trail (by ARN only), else
// TrailNotFoundException, as CloudTrail does.
func ctGetTrailStatus(o *Org, c *Call) (any, error) {
	a, _, err := o.regionOf(c)
	if err != nil {
		return nil, err
	}
	ref := aws.ToString(c.Input.(*cloudtrail.GetTrailStatusInput).Name)
	t := ctFind(a, c.Region, ref)
	if t == nil {
		return nil, apiError("TrailNotFoundException", fmt.Sprintf("Unknown trail: %s for the user: %s", ref, a.ID))
	}
	out := &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(t.Logging), StartLoggingTime: aws.Time(t.StartedLogging)}
	if !t.StoppedLogging.IsZero() {
		out.StopLoggingTime = aws.Time(t.StoppedLogging)
	}
	if t.Logging {
		out.LatestDeliveryTime = aws.Time(o.Spec.Now.Add(-7 * time.Minute))
		if t.LogFileValidation {
			out.LatestDigestDeliveryTime = aws.Time(o.Spec.Now.Add(-37 * time.Minute))
		}
	}
	return out, nil
}

// --- ground truth ---

// expectedCloudTrail is what the cloudtrail_trail collector must emit: one
// record per trail the account owns, in the trail's home region.
func (o *Org) expectedCloudTrail(a *Account) []inventory.Record {
	var out []inventory.Record
	for _, t := range a.Trails {
		m := map[string]any{
			"name": t.Name, "home_region": t.HomeRegion, "multi_region": t.MultiRegion,
			"logging": t.Logging, "log_file_validation": t.LogFileValidation,
			"include_global_service_events": t.GlobalServiceEvents, "organization_trail": false,
			"s3_bucket": t.S3Bucket,
		}
		if t.KMSKeyID != "" {
			m["kms_key_id"] = t.KMSKeyID
		}
		if t.LogGroupARN != "" {
			m["cloudwatch_logs_log_group_arn"] = t.LogGroupARN
		}
		out = append(out, truthRecord(a, t.HomeRegion, "cloudtrail_trail", t.Name, t.ARN, nil, m))
	}
	return out
}
