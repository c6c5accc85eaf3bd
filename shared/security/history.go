package security

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// The finding history lives in store documents: one index document, and
// one document per account holding every finding the account has had (open
// ones, and resolved ones for ResolvedRetention), keyed by finding ID. An
// account document that outgrows store.MaxDocumentBytes is split in pages:
// the head (HistoryDocument/<account>) says how many, the others are
// HistoryDocument/<account>/<page>, page 2 on.
const (
	HistoryDocument = "security/findings"
	// ResolvedRetention is how long a resolved finding is remembered; one
	// that reappears later is new either way.
	ResolvedRetention = 90 * 24 * time.Hour
	// keptEvaluations is how many evaluations the index remembers (a year
	// of weekly checks).
	keptEvaluations = 60
	// pageBytes leaves room under store.MaxDocumentBytes for the
	// document's own fields.
	pageBytes = store.MaxDocumentBytes - 8*1024
	// historyWorkers bounds the document reads and writes in flight.
	historyWorkers = 8
)

// Finding states in the history.
const (
	StateOpen     = "open"
	StateResolved = "resolved"
)

// FindingState is one finding's history.
type FindingState struct {
	Severity Severity `json:"severity"`
	// Status is open or resolved.
	Status    string     `json:"status"`
	FirstSeen time.Time  `json:"first_seen"`
	LastSeen  time.Time  `json:"last_seen"`
	FirstRun  string     `json:"first_run,omitempty"`
	Resolved  *time.Time `json:"resolved_at,omitempty"`
	// Alerted is when the finding was reported as a new high-severity one;
	// it is never reported again while it stays open.
	Alerted *time.Time `json:"alerted_at,omitempty"`
	// Undecided is set while the check cannot decide (data missing): the
	// finding stays open, unconfirmed, rather than resolved.
	Undecided *time.Time `json:"undecided_since,omitempty"`
	// Evidence is the last evidence seen (at most maxEvidenceBytes).
	Evidence string `json:"evidence,omitempty"`
}

// AccountHistory is the history of one account's findings.
type AccountHistory struct {
	AccountID string    `json:"account_id"`
	UpdatedAt time.Time `json:"updated_at"`
	RunID     string    `json:"run_id,omitempty"`
	// Pages is the number of documents the history takes (head only; 0
	// or 1 for one document).
	Pages    int                      `json:"pages,omitempty"`
	Findings map[string]*FindingState `json:"findings"`
}

// HistoryIndex is the index document.
type HistoryIndex struct {
	UpdatedAt time.Time `json:"updated_at"`
	RunID     string    `json:"run_id,omitempty"`
	Options   Options   `json:"options"`
	// Accounts have an account document with at least one finding.
	Accounts []string `json:"accounts"`
	// Evaluations are the latest evaluations, oldest first.
	Evaluations []Evaluation `json:"evaluations"`
}

// Evaluation summarizes one recorded evaluation.
type Evaluation struct {
	At              time.Time `json:"at"`
	RunID           string    `json:"run_id,omitempty"`
	ComplianceScore float64   `json:"compliance_score"`
	Open            int       `json:"open"`
	New             int       `json:"new"`
	Resolved        int       `json:"resolved"`
	NewHigh         int       `json:"new_high_severity"`
}

// History is the finding history loaded from a store.
type History struct {
	Index    HistoryIndex
	Accounts map[string]*AccountHistory
	// Found is false when the store holds no history yet.
	Found bool
	// Warnings name documents that could not be decoded (treated as empty).
	Warnings []string
}

// Changes is what an evaluation changed in the history.
type Changes struct {
	// New are the findings first seen (or seen again after being resolved).
	New []Finding
	// NewHigh are the open high and critical findings never alerted on
	// before: the ones to alert on now.
	NewHigh []Finding
	// Resolved are the findings open before and passing (or gone) now.
	Resolved []ResolvedFinding
	// PreviousOpen and Open count open findings before and after.
	PreviousOpen, Open int
}

// ResolvedFinding is a finding that stopped failing.
type ResolvedFinding struct {
	ID           string    `json:"finding_id"`
	CheckID      string    `json:"check_id"`
	Severity     Severity  `json:"severity"`
	ResourceType string    `json:"resource_type,omitempty"`
	ResourceID   string    `json:"resource_id"`
	AccountID    string    `json:"account_id"`
	Region       string    `json:"region"`
	FirstSeen    time.Time `json:"first_seen"`
	ResolvedAt   time.Time `json:"resolved_at"`
	Evidence     string    `json:"evidence,omitempty"`
}

// DocumentStore is the part of store.Store the history needs.
type DocumentStore interface {
	GetDocument(ctx context.Context, key string) (store.Document, error)
	PutDocument(ctx context.Context, d store.Document) error
}

func accountKey(id string, page int) string {
	if page <= 1 {
		return HistoryDocument + "/" + id
	}
	return HistoryDocument + "/" + id + "/" + strconv.Itoa(page)
}

// ParseFindingID splits a finding ID into its check and resource key.
func ParseFindingID(id string) (checkID, accountID, region, resourceID string, ok bool) {
	p := strings.SplitN(id, "/", 4)
	if len(p) != 4 {
		return "", "", "", "", false
	}
	return p[0], p[1], p[2], p[3], true
}

// LoadIndex reads the history's index document; ok is false when the
// store has none.
func LoadIndex(ctx context.Context, st DocumentStore) (idx HistoryIndex, ok bool, err error) {
	doc, err := st.GetDocument(ctx, HistoryDocument)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return idx, false, nil
	case err != nil:
		return idx, false, fmt.Errorf("security history: %w", err)
	}
	if err := json.Unmarshal(doc.Body, &idx); err != nil {
		return HistoryIndex{}, false, fmt.Errorf("security history: %s: %w", HistoryDocument, err)
	}
	return idx, true, nil
}

// LoadHistory reads the history of the accounts the index names and of
// accounts (those of the evaluation about to be applied).
func LoadHistory(ctx context.Context, st DocumentStore, accounts []string) (*History, error) {
	h := &History{Accounts: map[string]*AccountHistory{}}
	doc, err := st.GetDocument(ctx, HistoryDocument)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("security history: %w", err)
	default:
		h.Found = true
		if err := json.Unmarshal(doc.Body, &h.Index); err != nil {
			h.Warnings = append(h.Warnings, fmt.Sprintf("%s: %v (starting a new index)", HistoryDocument, err))
			h.Index = HistoryIndex{}
		}
	}
	ids := map[string]bool{}
	for _, a := range h.Index.Accounts {
		ids[a] = true
	}
	for _, a := range accounts {
		ids[a] = true
	}
	sorted := slices.Sorted(maps.Keys(ids))
	loaded := make([]*AccountHistory, len(sorted))
	warn := make([]string, len(sorted))
	err = parallel(ctx, len(sorted), func(i int) error {
		var err error
		loaded[i], warn[i], err = loadAccount(ctx, st, sorted[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, id := range sorted {
		h.Accounts[id] = loaded[i]
		if warn[i] != "" {
			h.Warnings = append(h.Warnings, warn[i])
		}
		if len(loaded[i].Findings) > 0 {
			h.Found = true
		}
	}
	return h, nil
}

func loadAccount(ctx context.Context, st DocumentStore, id string) (*AccountHistory, string, error) {
	empty := &AccountHistory{AccountID: id, Findings: map[string]*FindingState{}}
	head, warn, err := readAccountPage(ctx, st, accountKey(id, 1))
	if err != nil || head == nil {
		return empty, warn, err
	}
	for p := 2; p <= head.Pages; p++ {
		page, w, err := readAccountPage(ctx, st, accountKey(id, p))
		if err != nil {
			return nil, "", err
		}
		if page == nil {
			return empty, fmt.Sprintf("%s: page %d of %d is missing (starting the account's history again)", accountKey(id, 1), p, head.Pages), nil
		}
		if w != "" {
			return empty, w, nil
		}
		maps.Copy(head.Findings, page.Findings)
	}
	head.Pages = 0
	return head, warn, nil
}

// readAccountPage returns nil for a missing or undecodable document (with
// a warning for the latter).
func readAccountPage(ctx context.Context, st DocumentStore, key string) (*AccountHistory, string, error) {
	doc, err := st.GetDocument(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("security history: %w", err)
	}
	var a AccountHistory
	if err := json.Unmarshal(doc.Body, &a); err != nil {
		return nil, fmt.Sprintf("%s: %v (starting the account's history again)", key, err), nil
	}
	if a.Findings == nil {
		a.Findings = map[string]*FindingState{}
	}
	return &a, "", nil
}

func (h *History) account(id string) *AccountHistory {
	a, ok := h.Accounts[id]
	if !ok {
		a = &AccountHistory{AccountID: id, Findings: map[string]*FindingState{}}
		h.Accounts[id] = a
	}
	return a
}

// State returns a finding's recorded state.
func (h *History) State(f Finding) (*FindingState, bool) {
	a, ok := h.Accounts[f.AccountID]
	if !ok {
		return nil, false
	}
	s, ok := a.Findings[f.ID]
	return s, ok
}

// Apply records an evaluation at time at: failing findings are new (never
// seen, or resolved before) or still open; open findings now passing, not
// applicable or gone with their resource are resolved; open findings whose
// check cannot decide now stay open, marked undecided. High and critical
// open findings never alerted on are returned in NewHigh and marked
// alerted. Resolved findings older than ResolvedRetention are forgotten.
func (h *History) Apply(rep Report, at time.Time, runID string) Changes {
	at = at.UTC()
	var ch Changes
	for _, a := range h.Accounts {
		for _, s := range a.Findings {
			if s.Status == StateOpen {
				ch.PreviousOpen++
			}
		}
	}
	current := map[string]bool{}
	for _, f := range rep.Findings {
		current[f.ID] = true
		a := h.account(f.AccountID)
		s, known := a.Findings[f.ID]
		if f.Status != Fail {
			// Undecidable: an open finding stays open, unconfirmed.
			if known && s.Status == StateOpen && s.Undecided == nil {
				s.Undecided = &at
			}
			continue
		}
		if !known || s.Status != StateOpen {
			s = &FindingState{Status: StateOpen, FirstSeen: at, FirstRun: runID}
			a.Findings[f.ID] = s
			ch.New = append(ch.New, f)
		}
		s.Severity, s.LastSeen, s.Undecided, s.Evidence = f.Severity, at, nil, clip(f.Evidence, maxEvidenceBytes)
		if s.Alerted == nil && f.Severity.AtLeast(High) {
			s.Alerted = &at
			ch.NewHigh = append(ch.NewHigh, f)
		}
	}
	forget := at.Add(-ResolvedRetention)
	for _, id := range slices.Sorted(maps.Keys(h.Accounts)) {
		a := h.Accounts[id]
		for fid, s := range a.Findings {
			switch {
			case s.Status == StateOpen && !current[fid]:
				s.Status, s.Resolved, s.Undecided = StateResolved, &at, nil
				ch.Resolved = append(ch.Resolved, resolvedOf(fid, s))
			case s.Status == StateResolved && s.Resolved != nil && s.Resolved.Before(forget):
				delete(a.Findings, fid)
			}
			if s.Status == StateOpen {
				ch.Open++
			}
		}
		a.UpdatedAt, a.RunID = at, runID
	}
	SortFindings(ch.New)
	SortFindings(ch.NewHigh)
	sort.Slice(ch.Resolved, func(i, j int) bool {
		a, b := ch.Resolved[i], ch.Resolved[j]
		if a.Severity.Weight() != b.Severity.Weight() {
			return a.Severity.Weight() > b.Severity.Weight()
		}
		return a.ID < b.ID
	})
	h.Index.UpdatedAt, h.Index.RunID, h.Index.Options = at, runID, rep.Options
	h.Index.Accounts = h.Index.Accounts[:0]
	for _, id := range slices.Sorted(maps.Keys(h.Accounts)) {
		if len(h.Accounts[id].Findings) > 0 {
			h.Index.Accounts = append(h.Index.Accounts, id)
		}
	}
	h.Index.Evaluations = append(h.Index.Evaluations, Evaluation{At: at, RunID: runID, ComplianceScore: rep.ComplianceScore,
		Open: ch.Open, New: len(ch.New), Resolved: len(ch.Resolved), NewHigh: len(ch.NewHigh)})
	if n := len(h.Index.Evaluations); n > keptEvaluations {
		h.Index.Evaluations = slices.Clone(h.Index.Evaluations[n-keptEvaluations:])
	}
	h.Found = true
	return ch
}

func resolvedOf(id string, s *FindingState) ResolvedFinding {
	check, acct, region, res, _ := ParseFindingID(id)
	r := ResolvedFinding{ID: id, CheckID: check, Severity: s.Severity, ResourceID: res, AccountID: acct, Region: region,
		FirstSeen: s.FirstSeen, Evidence: s.Evidence}
	if c, ok := CheckByID(check); ok {
		r.ResourceType = c.ResourceType
	}
	if s.Resolved != nil {
		r.ResolvedAt = *s.Resolved
	}
	return r
}

// Save writes every account document, then the index (so an index never
// names an account whose document was not written).
func (h *History) Save(ctx context.Context, st DocumentStore, at time.Time) error {
	at = at.UTC()
	ids := slices.Sorted(maps.Keys(h.Accounts))
	err := parallel(ctx, len(ids), func(i int) error {
		pages, err := encodeAccount(h.Accounts[ids[i]])
		if err != nil {
			return err
		}
		// Later pages first: the head, which says how many there are,
		// is written last.
		for p := len(pages); p >= 1; p-- {
			if err := st.PutDocument(ctx, store.Document{Key: accountKey(ids[i], p), Body: pages[p-1], UpdatedAt: at}); err != nil {
				return fmt.Errorf("security history: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	body, err := json.Marshal(h.Index)
	if err != nil {
		return fmt.Errorf("security history: encode index: %w", err)
	}
	if err := st.PutDocument(ctx, store.Document{Key: HistoryDocument, Body: body, UpdatedAt: at}); err != nil {
		return fmt.Errorf("security history: %w", err)
	}
	return nil
}

// encodeAccount encodes an account's history as one document, or as pages
// of at most pageBytes when it does not fit (findings in ID order).
func encodeAccount(a *AccountHistory) ([][]byte, error) {
	one := *a
	one.Pages = 0
	body, err := json.Marshal(one)
	if err != nil {
		return nil, fmt.Errorf("security history: encode %s: %w", a.AccountID, err)
	}
	if len(body) <= pageBytes {
		return [][]byte{body}, nil
	}
	var chunks []map[string]*FindingState
	cur, size := map[string]*FindingState{}, 0
	for _, id := range slices.Sorted(maps.Keys(a.Findings)) {
		e, err := json.Marshal(a.Findings[id])
		if err != nil {
			return nil, fmt.Errorf("security history: encode %s: %w", id, err)
		}
		n := len(id) + len(e) + 4
		if size+n > pageBytes-1024 && len(cur) > 0 {
			chunks, cur, size = append(chunks, cur), map[string]*FindingState{}, 0
		}
		cur[id], size = a.Findings[id], size+n
	}
	chunks = append(chunks, cur)
	out := make([][]byte, len(chunks))
	for i, c := range chunks {
		p := AccountHistory{AccountID: a.AccountID, UpdatedAt: a.UpdatedAt, RunID: a.RunID, Findings: c}
		if i == 0 {
			p.Pages = len(chunks)
		}
		if out[i], err = json.Marshal(p); err != nil {
			return nil, fmt.Errorf("security history: encode %s: %w", a.AccountID, err)
		}
	}
	return out, nil
}

// parallel runs f(0..n-1) on historyWorkers goroutines and returns the
// first error.
func parallel(ctx context.Context, n int, f func(i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan int)
	)
	for w := 0; w < min(historyWorkers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first == nil && ctx.Err() != nil && n > 0 {
		first = ctx.Err()
	}
	return first
}
