package pipeline

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/cloudinv/aws-inventory/shared/access"
	"github.com/cloudinv/aws-inventory/shared/config"
	"github.com/cloudinv/aws-inventory/shared/store"
)

// Plan turns the config (and, when enabled, Organizations discovery) into
// work items: one per account × resource type. A replay input's items are
// taken as they are, under a new run ID. Plan opens the run in the store with
// every item pending, so an item that never runs is still reported.
func Plan(ctx context.Context, env *Env, in PlanInput) (PlanOutput, error) {
	out, err := plan(ctx, env, in)
	if err != nil {
		return PlanOutput{}, err
	}
	run := store.Run{ID: out.RunID, Status: store.RunRunning, StartedAt: out.StartedAt, ReplayOf: out.ReplayOf}
	if err := env.Store.PutRun(ctx, run); err != nil {
		return PlanOutput{}, fmt.Errorf("plan: open run %s: %w", out.RunID, err)
	}
	pending := make([]store.ItemOutcome, len(out.Items))
	for i, it := range out.Items {
		pending[i] = outcomeOf(it)
		pending[i].Status = store.ItemPending
	}
	// 10,000 items one call at a time would take a Lambda minutes against
	// DynamoDB; a backend that batches does it in 400 calls.
	if b, ok := env.Store.(store.ItemOutcomeBatcher); ok {
		if err := b.PutItemOutcomes(ctx, out.RunID, pending); err != nil {
			return PlanOutput{}, fmt.Errorf("plan: record %d pending items: %w", len(pending), err)
		}
		return out, nil
	}
	for _, o := range pending {
		if err := env.Store.PutItemOutcome(ctx, out.RunID, o); err != nil {
			return PlanOutput{}, fmt.Errorf("plan: record item %s/%s: %w", o.AccountID, o.ResourceType, err)
		}
	}
	return out, nil
}

func plan(ctx context.Context, env *Env, in PlanInput) (PlanOutput, error) {
	if in.Action != "" && in.Action != "collect" {
		return PlanOutput{}, inputErrorf("plan: action %q cannot be planned (expected \"collect\")", in.Action)
	}
	out := PlanOutput{RunID: in.RunID, ReplayOf: in.ReplayOf, StartedAt: env.now()}
	if out.RunID == "" {
		out.RunID = NewRunID(out.StartedAt)
	}
	if err := validateRequest(in); err != nil {
		return PlanOutput{}, err
	}
	if in.ReplayOf != "" && len(in.Items) == 0 {
		items, err := replayItemsOf(ctx, env, in.ReplayOf)
		if err != nil {
			return PlanOutput{}, err
		}
		in.Items = items
	}
	if len(in.Items) > 0 {
		for _, it := range in.Items {
			if err := validateItem(env, it); err != nil {
				return PlanOutput{}, inputErrorf("plan: replay item %s/%s: %v", it.AccountID, it.ResourceType, err)
			}
			it.RunID = out.RunID
			out.Items = append(out.Items, it)
		}
		return out, nil
	}

	types, err := selectTypes(env, in.ResourceTypes)
	if err != nil {
		return PlanOutput{}, err
	}
	accounts, skipped, err := planAccounts(ctx, env)
	if err != nil {
		return PlanOutput{}, err
	}
	if len(in.Accounts) > 0 {
		want := map[string]bool{}
		for _, id := range in.Accounts {
			want[id] = true
		}
		var kept []WorkItem
		for _, a := range accounts {
			if want[a.AccountID] {
				kept = append(kept, a)
				delete(want, a.AccountID)
			}
		}
		for _, s := range skipped {
			delete(want, s.AccountID)
		}
		if len(want) > 0 {
			return PlanOutput{}, inputErrorf("plan: account(s) %s are neither in the config nor in the organization", strings.Join(sortedKeys(want), ", "))
		}
		accounts = kept
		skipped = slices.DeleteFunc(skipped, func(s access.Skipped) bool { return !slices.Contains(in.Accounts, s.AccountID) })
	}
	regions := in.Regions
	if len(regions) == 0 {
		regions = env.Config.Regions
	}
	for _, a := range accounts {
		for _, t := range types {
			it := a
			it.RunID = out.RunID
			it.ResourceType = t
			it.Regions = slices.Clone(regions)
			out.Items = append(out.Items, it)
		}
	}
	out.Skipped = skipped
	return out, nil
}

func validateItem(env *Env, it WorkItem) error {
	if _, ok := env.Collectors[it.ResourceType]; !ok {
		return fmt.Errorf("unknown resource_type %q", it.ResourceType)
	}
	if len(it.AccountID) != 12 || strings.Trim(it.AccountID, "0123456789") != "" {
		return fmt.Errorf("account_id %q is not a 12-digit AWS account ID", it.AccountID)
	}
	if it.RoleName == "" {
		return fmt.Errorf("role_name is empty")
	}
	return nil
}

// selectTypes intersects the config's types with a run's request.
func selectTypes(env *Env, requested []string) ([]string, error) {
	configured := env.Config.CollectorTypes()
	if len(requested) == 0 {
		return configured, nil
	}
	want := map[string]bool{}
	for _, r := range requested {
		ts, ok := config.ExpandType(r)
		if !ok {
			return nil, inputErrorf("plan: unknown resource type %q (expected one of ec2, rds, s3, lambda or %s)", r, strings.Join(config.KnownTypes(), ", "))
		}
		for _, t := range ts {
			want[t] = true
		}
	}
	var out []string
	for _, t := range configured {
		if want[t] {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, inputErrorf("plan: resource types %s are not enabled in the config's resource_types %v", strings.Join(requested, ", "), env.Config.ResourceTypes)
	}
	return out, nil
}

// planAccounts merges configured accounts with discovered ones. A configured
// account keeps its name, tags and role; discovery adds the rest with the
// organization's member role.
func planAccounts(ctx context.Context, env *Env) ([]WorkItem, []access.Skipped, error) {
	cfg := env.Config
	byID := map[string]WorkItem{}
	var skipped []access.Skipped
	for name, a := range cfg.Accounts {
		if !a.IsEnabled() {
			skipped = append(skipped, access.Skipped{AccountID: a.AccountID, AccountName: name, Reason: "disabled in config"})
			continue
		}
		byID[a.AccountID] = WorkItem{AccountID: a.AccountID, AccountName: name, Department: a.Department(), RoleName: cfg.RoleName(a)}
	}
	if org := cfg.Organization; org.DiscoveryEnabled() {
		orgCfg, err := env.Access.OrganizationsConfig(org.ManagementRoleARN)
		if err != nil {
			return nil, nil, fmt.Errorf("plan: %w", err)
		}
		found, orgSkipped, err := access.DiscoverAccounts(ctx, organizations.NewFromConfig(orgCfg), access.Selection{
			IncludeOUs: org.IncludeOUs, ExcludeOUs: org.ExcludeOUs,
			IncludeAccounts: org.IncludeAccounts, ExcludeAccounts: org.ExcludeAccounts,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("plan: discover accounts: %w", err)
		}
		disabled := map[string]bool{}
		for _, s := range skipped {
			disabled[s.AccountID] = true
		}
		for _, d := range found {
			if _, ok := byID[d.ID]; ok || disabled[d.ID] {
				continue
			}
			byID[d.ID] = WorkItem{AccountID: d.ID, AccountName: d.Name, RoleName: cfg.RoleName(config.Account{})}
		}
		for _, s := range orgSkipped {
			delete(byID, s.AccountID) // suspended in the org wins over the config
			if !disabled[s.AccountID] {
				skipped = append(skipped, s)
			}
		}
	}
	items := make([]WorkItem, 0, len(byID))
	for _, it := range byID {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].AccountID < items[j].AccountID })
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].AccountID < skipped[j].AccountID })
	if len(items) == 0 {
		return nil, skipped, fmt.Errorf("plan: no account to collect: add enabled accounts to the config or an organization block to discover them")
	}
	return items, skipped, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
