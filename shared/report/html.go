package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"time"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/inventory"
	"github.com/cloudinv/aws-inventory/shared/money"
	"github.com/cloudinv/aws-inventory/shared/pipeline"
	"github.com/cloudinv/aws-inventory/shared/store"
)

//go:embed page.html.tmpl
var pageSource string

// html/template escapes every value by its context; the page has no
// scripts and no external assets, so it opens from S3 or a mail attachment
// as it is.
var pageTmpl = template.Must(template.New("page").Parse(pageSource))

// Limits that keep the page readable for large organizations; everything
// is in inventory.csv and summary.json.
const (
	maxFailedRows = 500
	maxCountRows  = 50
	maxTopCost    = 20
	// maxReplayBytes bounds the replay input shown inline; past it the page
	// shows the short form that Plan expands from the store.
	maxReplayBytes = 64 << 10
)

type page struct {
	Title        string
	RunID        string
	Action       string
	GeneratedAt  string
	ExecutionARN string
	Run          *runView
	Resources    int
	Deleted      int
	Counts       []countTable
	Cost         *costView
	CostResult   *node
	Security     *node
}

type fact struct{ Label, Value string }

type runView struct {
	Status      string
	StatusClass string
	ReplayOf    string
	Facts       []fact
	Failed      []pipeline.FailedItem
	FailedMore  int
	Skipped     []access.Skipped
	Replay      *replayView
}

type replayView struct {
	JSON    string
	Short   bool // JSON is the short form, the full list being too long
	Command string
}

type countTable struct {
	Title string
	Rows  []countRow
	More  int
}

type countRow struct {
	Name  string
	Count string
	Share string
}

type costView struct {
	Total      string
	Priced     int
	Unpriced   int
	Breakdowns []moneyTable
	Top        []costRow
}

type moneyTable struct {
	Title string
	Rows  []moneyRow
	More  int
}

type moneyRow struct{ Name, Amount, Share string }

type costRow struct {
	Type, ID, Name, Account, Region, Department, Monthly, Basis string
}

// WriteHTML writes the report page.
func WriteHTML(w io.Writer, in Input) error {
	p, err := buildPage(in)
	if err != nil {
		return err
	}
	return pageTmpl.Execute(w, p)
}

func buildPage(in Input) (*page, error) {
	p := &page{
		RunID:        in.RunID,
		Action:       action(in),
		GeneratedAt:  in.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"),
		ExecutionARN: in.ExecutionARN,
		Resources:    len(in.Records),
	}
	p.Title = "AWS inventory report"
	if in.RunID != "" {
		p.Title += " – " + in.RunID
	} else {
		p.Title += " – " + p.Action
	}
	var live []inventory.Record
	for _, r := range in.Records {
		if r.DeletedAt != nil {
			p.Deleted++
			continue
		}
		live = append(live, r)
	}
	if in.Summary != nil {
		rv, err := buildRun(in.Summary, in.ExecutionARN)
		if err != nil {
			return nil, err
		}
		p.Run = rv
		b := in.Summary.Inventory
		p.Counts = countTables(b.ByType, b.ByAccount, b.ByRegion, b.ByDepartment)
	} else if len(live) > 0 {
		b := breakdown(live)
		p.Counts = countTables(b.ByType, b.ByAccount, b.ByRegion, b.ByDepartment)
	}
	p.Cost = costOf(live)
	var err error
	if p.CostResult, err = treeOf(in.Cost); err != nil {
		return nil, fmt.Errorf("cost result: %w", err)
	}
	if p.Security, err = treeOf(in.Security); err != nil {
		return nil, fmt.Errorf("security result: %w", err)
	}
	return p, nil
}

func buildRun(s *pipeline.Summary, executionARN string) (*runView, error) {
	rv := &runView{Status: s.Status, StatusClass: statusClass(s.Status), ReplayOf: s.ReplayOf}
	it := s.Items
	rv.Facts = []fact{
		{"Started", stamp(s.StartedAt)},
		{"Finished", stamp(s.FinishedAt)},
		{"Duration", (time.Duration(s.DurationSeconds * float64(time.Second))).Round(time.Second).String()},
		{"Work items", fmt.Sprintf("%s total: %s succeeded, %s partial, %s failed, %s not run",
			number(float64(it.Total)), number(float64(it.Succeeded)), number(float64(it.Partial)), number(float64(it.Failed)), number(float64(it.NotRun)))},
		{"Accounts", number(float64(s.Accounts))},
		{"Resources collected", number(float64(s.Collected))},
		{"Resources no longer found (marked deleted)", number(float64(s.MarkedDeleted))},
		{"AWS API calls", fmt.Sprintf("%s (%s throttled)", number(float64(s.APICalls)), number(float64(s.Throttled)))},
		{"Regions skipped (not enabled or excluded)", number(float64(s.SkippedRegions))},
	}
	rv.Failed = s.Failed
	if len(rv.Failed) > maxFailedRows {
		rv.FailedMore = len(rv.Failed) - maxFailedRows
		rv.Failed = rv.Failed[:maxFailedRows]
	}
	// Aggregate may have capped the list it returned; the counts are exact.
	if n := it.Failed + it.Partial + it.NotRun; n > len(s.Failed) && rv.FailedMore == 0 {
		rv.FailedMore = n - len(s.Failed)
	}
	rv.Skipped = s.SkippedAccounts
	if s.ReplayInput != nil {
		r, err := replayOf(s, executionARN)
		if err != nil {
			return nil, err
		}
		rv.Replay = r
	}
	return rv, nil
}

func replayOf(s *pipeline.Summary, executionARN string) (*replayView, error) {
	full, err := json.MarshalIndent(s.ReplayInput, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("replay input: %w", err)
	}
	r := &replayView{JSON: string(full)}
	if len(full) > maxReplayBytes || len(s.ReplayInput.Items) == 0 {
		of := s.ReplayInput.ReplayOf
		if of == "" {
			of = s.RunID
		}
		short, err := json.Marshal(map[string]string{"action": "collect", "replay_of": of})
		if err != nil {
			return nil, err
		}
		r.JSON, r.Short = string(short), len(full) > maxReplayBytes
	}
	if executionARN != "" {
		r.Command = "inventory replay --execution " + executionARN
	} else {
		r.Command = "inventory replay --run " + s.RunID
	}
	return r, nil
}

func statusClass(status string) string {
	switch status {
	case store.RunSucceeded:
		return "ok"
	case store.RunPartial, store.RunRunning:
		return "warn"
	}
	return "bad"
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// breakdown counts live records the way Aggregate does for a run.
func breakdown(recs []inventory.Record) pipeline.Breakdown {
	b := pipeline.Breakdown{Total: len(recs), ByType: map[string]int{}, ByAccount: map[string]int{},
		ByRegion: map[string]int{}, ByDepartment: map[string]int{}}
	for _, r := range recs {
		b.ByType[r.ResourceType]++
		b.ByAccount[accountLabel(r)]++
		b.ByRegion[r.Region]++
		b.ByDepartment[r.Department]++
	}
	return b
}

func accountLabel(r inventory.Record) string {
	if r.AccountName == "" {
		return r.AccountID
	}
	return r.AccountName + " (" + r.AccountID + ")"
}

func countTables(byType, byAccount, byRegion, byDepartment map[string]int) []countTable {
	var out []countTable
	for _, c := range []struct {
		title string
		m     map[string]int
	}{{"By resource type", byType}, {"By department", byDepartment}, {"By account", byAccount}, {"By region", byRegion}} {
		if len(c.m) == 0 {
			continue
		}
		total := 0
		for _, n := range c.m {
			total += n
		}
		t := countTable{Title: c.title}
		for i, name := range byCountDesc(c.m) {
			if i == maxCountRows {
				t.More = len(c.m) - i
				break
			}
			n := c.m[name]
			t.Rows = append(t.Rows, countRow{Name: dash(name), Count: number(float64(n)), Share: percent(float64(n), float64(total))})
		}
		out = append(out, t)
	}
	return out
}

func byCountDesc[N int | float64](m map[string]N) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if m[names[i]] != m[names[j]] {
			return m[names[i]] > m[names[j]]
		}
		return names[i] < names[j]
	})
	return names
}

// costOf sums the records' own estimates: what finance reads even before a
// cost analysis result exists. Nil when nothing is priced.
func costOf(live []inventory.Record) *costView {
	var total float64
	var priced []inventory.Record
	byDept, byType, byAccount := map[string]float64{}, map[string]float64{}, map[string]float64{}
	unpriced := 0
	for _, r := range live {
		if r.EstimatedMonthlyCost == nil {
			unpriced++
			continue
		}
		c := *r.EstimatedMonthlyCost
		total += c
		byDept[r.Department] += c
		byType[r.ResourceType] += c
		byAccount[accountLabel(r)] += c
		priced = append(priced, r)
	}
	if len(priced) == 0 {
		return nil
	}
	v := &costView{Total: money.USD(total), Priced: len(priced), Unpriced: unpriced, Breakdowns: []moneyTable{
		moneyRows("By department", byDept, total), moneyRows("By resource type", byType, total), moneyRows("By account", byAccount, total),
	}}
	sort.SliceStable(priced, func(i, j int) bool { return *priced[i].EstimatedMonthlyCost > *priced[j].EstimatedMonthlyCost })
	for i, r := range priced {
		if i == maxTopCost {
			break
		}
		v.Top = append(v.Top, costRow{Type: r.ResourceType, ID: r.ResourceID, Name: dash(r.Name()), Account: accountLabel(r),
			Region: r.Region, Department: dash(r.Department), Monthly: money.USD(*r.EstimatedMonthlyCost), Basis: dash(r.CostBasis)})
	}
	return v
}

func moneyRows(title string, m map[string]float64, total float64) moneyTable {
	t := moneyTable{Title: title}
	for i, name := range byCountDesc(m) {
		if i == maxCountRows {
			t.More = len(m) - i
			break
		}
		t.Rows = append(t.Rows, moneyRow{Name: dash(name), Amount: money.USD(m[name]), Share: percent(m[name], total)})
	}
	return t
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
