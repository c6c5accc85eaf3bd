package dynamodb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cloudinv/aws-inventory/shared/store"
)

// Run header and item outcome attributes (besides account_id, department,
// resource_type and run_id, shared with records).
const (
	attrStatus      = "status"
	attrStartedAt   = "started_at"
	attrFinishedAt  = "finished_at"
	attrReplayOf    = "replay_of"
	attrSummary     = "summary"
	attrRoleName    = "role_name"
	attrRequested   = "requested_regions"
	attrResources   = "resources"
	attrError       = "error"
	attrRegions     = "regions"
	attrDurationMS  = "duration_ms"
	attrAPICalls    = "api_calls"
	attrThrottled   = "throttled"
	attrReason      = "reason"
	attrRegionField = "region"
)

// PutRun creates or replaces a run's header. The header is also an entry
// of the by_type index under RUNS, sorted by start time (see schema.go),
// which is what ListRuns reads.
func (s *Store) PutRun(ctx context.Context, r store.Run) error {
	if r.ID == "" {
		return errors.New("put run: run_id is required")
	}
	if err := checkTime("started_at", r.StartedAt); err != nil {
		return fmt.Errorf("put run %s into %s: %w", r.ID, s.table, err)
	}
	item := key(runPK(r.ID), runHeaderSK)
	item[attrRunID] = avS(r.ID)
	item[attrStatus] = avS(r.Status)
	item[attrStartedAt] = avTime(r.StartedAt)
	item[attrReplayOf] = avS(r.ReplayOf)
	item[attrGSIType] = avS(runsIndexValue)
	item[attrGSISort] = avS(formatTime(r.StartedAt) + "#" + r.ID)
	if !r.FinishedAt.IsZero() { // absent while the run is running
		if err := checkTime("finished_at", r.FinishedAt); err != nil {
			return fmt.Errorf("put run %s into %s: %w", r.ID, s.table, err)
		}
		item[attrFinishedAt] = avTime(r.FinishedAt)
	}
	if len(r.Summary) > 0 {
		item[attrSummary] = &types.AttributeValueMemberB{Value: r.Summary}
	}
	if _, err := s.api.PutItem(ctx, &ddb.PutItemInput{TableName: aws.String(s.table), Item: item}); err != nil {
		return fmt.Errorf("put run %s into %s (PutItem): %w", r.ID, s.table, err)
	}
	return nil
}

// GetRun returns a run, or an error wrapping store.ErrNotFound.
func (s *Store) GetRun(ctx context.Context, id string) (store.Run, error) {
	out, err := s.api.GetItem(ctx, &ddb.GetItemInput{
		TableName: aws.String(s.table), Key: key(runPK(id), runHeaderSK), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return store.Run{}, fmt.Errorf("get run %s from %s (GetItem): %w", id, s.table, err)
	}
	if out.Item == nil {
		return store.Run{}, fmt.Errorf("run %s: %w", id, store.ErrNotFound)
	}
	r, err := decodeRun(out.Item)
	if err != nil {
		return store.Run{}, fmt.Errorf("get run %s from %s: %w", id, s.table, err)
	}
	return r, nil
}

// ListRuns returns runs newest first (by start time, then ID), at most
// limit of them; limit <= 0 means all. It reads the run entries of the
// by_type index backwards and stops at limit.
func (s *Store) ListRuns(ctx context.Context, limit int) ([]store.Run, error) {
	in := s.partitionQuery(ByType.Name, ByType.PartitionKey, runsIndexValue)
	in.ScanIndexForward = aws.Bool(false)
	if limit > 0 {
		in.Limit = aws.Int32(int32(min(limit, 1000)))
	}
	out := []store.Run{}
	p := ddb.NewQueryPaginator(s.api, in)
	for p.HasMorePages() && (limit <= 0 || len(out) < limit) {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list runs in %s (Query index %s): %w", s.table, ByType.Name, err)
		}
		for _, it := range page.Items {
			r, err := decodeRun(it)
			if err != nil {
				return nil, fmt.Errorf("list runs in %s: %w", s.table, err)
			}
			out = append(out, r)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func decodeRun(item map[string]types.AttributeValue) (store.Run, error) {
	d := decoder{item: item}
	r := store.Run{
		ID:         d.str(attrRunID),
		Status:     d.str(attrStatus),
		StartedAt:  d.time(attrStartedAt),
		FinishedAt: d.optTime(attrFinishedAt),
		ReplayOf:   d.str(attrReplayOf),
		Summary:    d.bytes(attrSummary),
	}
	return r, d.err
}

// PutItemOutcome records, or replaces, the outcome of one work item of a
// run, in the run's partition.
func (s *Store) PutItemOutcome(ctx context.Context, runID string, o store.ItemOutcome) error {
	if runID == "" || o.AccountID == "" || o.ResourceType == "" {
		return errors.New("put item outcome: run_id, account_id and resource_type are required")
	}
	item, err := encodeOutcome(runID, o)
	if err != nil {
		return fmt.Errorf("put item outcome %s/%s/%s into %s: %w", runID, o.AccountID, o.ResourceType, s.table, err)
	}
	if _, err := s.api.PutItem(ctx, &ddb.PutItemInput{TableName: aws.String(s.table), Item: item}); err != nil {
		return fmt.Errorf("put item outcome %s/%s/%s into %s (PutItem): %w", runID, o.AccountID, o.ResourceType, s.table, err)
	}
	return nil
}

func encodeOutcome(runID string, o store.ItemOutcome) (map[string]types.AttributeValue, error) {
	for _, p := range []struct{ name, v string }{{"account_id", o.AccountID}, {"resource_type", o.ResourceType}} {
		if err := checkKeyPart(p.name, p.v); err != nil {
			return nil, err
		}
	}
	if err := checkTime("started_at", o.StartedAt); err != nil {
		return nil, err
	}
	item := key(runPK(runID), outcomeSK(o.AccountID, o.ResourceType))
	item[attrRunID] = avS(runID)
	item[attrAccountID] = avS(o.AccountID)
	item[attrAccountName] = avS(o.AccountName)
	item[attrResourceType] = avS(o.ResourceType)
	item[attrRoleName] = avS(o.RoleName)
	item[attrDepartment] = avS(o.Department)
	item[attrStatus] = avS(o.Status)
	item[attrResources] = avInt(int64(o.Resources))
	item[attrError] = avS(o.Error)
	item[attrStartedAt] = avTime(o.StartedAt)
	item[attrDurationMS] = avInt(o.DurationMS)
	item[attrAPICalls] = avInt(o.APICalls)
	item[attrThrottled] = avInt(o.Throttled)
	if o.RequestedRegions != nil {
		l := make([]types.AttributeValue, len(o.RequestedRegions))
		for i, r := range o.RequestedRegions {
			l[i] = avS(r)
		}
		item[attrRequested] = &types.AttributeValueMemberL{Value: l}
	}
	if o.Regions != nil {
		l := make([]types.AttributeValue, len(o.Regions))
		for i, r := range o.Regions {
			l[i] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				attrRegionField: avS(r.Region),
				attrStatus:      avS(r.Status),
				attrResources:   avInt(int64(r.Resources)),
				attrReason:      avS(r.Reason),
			}}
		}
		item[attrRegions] = &types.AttributeValueMemberL{Value: l}
	}
	return item, nil
}

// ItemOutcomes returns a run's item outcomes ordered by account and type,
// read with one query of the run's partition; an unknown run has none.
func (s *Store) ItemOutcomes(ctx context.Context, runID string) ([]store.ItemOutcome, error) {
	out := []store.ItemOutcome{}
	err := s.query(ctx, s.outcomesQuery(runID, ""), func(items []map[string]types.AttributeValue) error {
		for _, it := range items {
			o, err := decodeOutcome(it)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("item outcomes of run %s in %s: %w", runID, s.table, err)
	}
	// The sort key already orders them; sorting again costs nothing and
	// does not depend on account IDs having one length.
	slices.SortFunc(out, func(a, b store.ItemOutcome) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.ResourceType, b.ResourceType))
	})
	return out, nil
}

// outcomesQuery reads the item outcomes of a run, with projection if given.
func (s *Store) outcomesQuery(runID, projection string) *ddb.QueryInput {
	in := s.partitionQuery("", PartitionKey, runPK(runID))
	in.KeyConditionExpression = aws.String("#k = :k AND begins_with(#sk, :item)")
	in.ExpressionAttributeNames["#sk"] = SortKey
	in.ExpressionAttributeValues[":item"] = avS(outcomePrefix)
	if projection != "" {
		in.ProjectionExpression = aws.String(projection)
	}
	return in
}

func decodeOutcome(item map[string]types.AttributeValue) (store.ItemOutcome, error) {
	d := decoder{item: item}
	o := store.ItemOutcome{
		AccountID:    d.str(attrAccountID),
		AccountName:  d.str(attrAccountName),
		ResourceType: d.str(attrResourceType),
		RoleName:     d.str(attrRoleName),
		Department:   d.str(attrDepartment),
		Status:       d.str(attrStatus),
		Resources:    int(d.int(attrResources)),
		Error:        d.str(attrError),
		StartedAt:    d.time(attrStartedAt),
		DurationMS:   d.int(attrDurationMS),
		APICalls:     d.int(attrAPICalls),
		Throttled:    d.int(attrThrottled),
	}
	for i, v := range d.list(attrRequested) {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			d.fail(attrRequested, fmt.Errorf("element %d: want a string, got %T", i, v))
			break
		}
		o.RequestedRegions = append(o.RequestedRegions, s.Value)
	}
	for i, v := range d.list(attrRegions) {
		m, ok := v.(*types.AttributeValueMemberM)
		if !ok {
			d.fail(attrRegions, fmt.Errorf("element %d: want a map, got %T", i, v))
			break
		}
		rd := decoder{item: m.Value}
		o.Regions = append(o.Regions, store.RegionResult{
			Region:    rd.str(attrRegionField),
			Status:    rd.str(attrStatus),
			Resources: int(rd.int(attrResources)),
			Reason:    rd.str(attrReason),
		})
		if rd.err != nil {
			d.fail(attrRegions, fmt.Errorf("element %d: %w", i, rd.err))
			break
		}
	}
	return o, d.err
}
