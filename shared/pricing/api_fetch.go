package pricing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspricing "github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/pricing/types"
	"github.com/aws/smithy-go"
)

// answer is what one query learned, and what the persistent cache keeps:
// a price, or why there is none (an answer too: "no product" is cached
// like a price so a type AWS does not sell is not asked about every run).
type answer struct {
	USD     float64 `json:"usd,omitempty"`
	NoPrice string  `json:"no_price,omitempty"`
}

// fetch runs the query through every page and reduces the products to one
// hourly price.
func (a *apiSource) fetch(ctx context.Context, q productQuery) (answer, error) {
	in := &awspricing.GetProductsInput{
		ServiceCode:   aws.String(q.service),
		FormatVersion: aws.String("aws_v1"),
		MaxResults:    aws.Int32(100),
	}
	for _, f := range q.filters {
		in.Filters = append(in.Filters, types.Filter{Type: types.FilterTypeTermMatch, Field: aws.String(f[0]), Value: aws.String(f[1])})
	}
	var items []string
	pages := awspricing.NewGetProductsPaginator(a.client, in, func(o *awspricing.GetProductsPaginatorOptions) {
		o.StopOnDuplicateToken = true
	})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return answer{}, err
		}
		items = append(items, out.PriceList...)
	}
	return hourlyAnswer(items), nil
}

// priceListItem is the part of a Price List product document read here;
// the API returns each product as a JSON string.
type priceListItem struct {
	Product struct {
		SKU string `json:"sku"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// hourlyAnswer reduces the products to one price. The filters should leave
// one product; if several remain and disagree, or a price is zero (AWS
// lists some SKUs at 0.00 that no one can run), the answer is "no price"
// rather than a guess, and the fallback answers with that reason.
func hourlyAnswer(items []string) answer {
	prices := map[float64]bool{}
	unreadable := 0
	for _, raw := range items {
		var it priceListItem
		if err := json.Unmarshal([]byte(raw), &it); err != nil {
			unreadable++
			continue
		}
		for _, term := range it.Terms.OnDemand {
			for _, dim := range term.PriceDimensions {
				if dim.Unit != "Hrs" {
					continue
				}
				usd, err := strconv.ParseFloat(dim.PricePerUnit["USD"], 64)
				if err != nil {
					unreadable++
					continue
				}
				if usd > 0 {
					prices[usd] = true
				}
			}
		}
	}
	switch {
	case len(prices) == 1:
		for usd := range prices {
			return answer{USD: usd}
		}
	case len(prices) > 1:
		return answer{NoPrice: fmt.Sprintf("ambiguous, %d different prices", len(prices))}
	case unreadable > 0:
		return answer{NoPrice: "unreadable price list"}
	case len(items) > 0:
		return answer{NoPrice: "no on-demand hourly price"}
	}
	return answer{NoPrice: "no product"}
}

// cached returns a fresh persistent-cache answer, or a zero fetched time
// when there is none (missing, unreadable or older than MaxAge).
func (a *apiSource) cached(ctx context.Context, key string) (answer, time.Time, error) {
	if a.cache == nil {
		return answer{}, time.Time{}, nil
	}
	body, fetched, ok, err := a.cache.Get(ctx, key)
	if err != nil || !ok {
		return answer{}, time.Time{}, err
	}
	if a.opts.Now().Sub(fetched) > a.opts.MaxAge {
		return answer{}, time.Time{}, nil
	}
	var ans answer
	if err := json.Unmarshal(body, &ans); err != nil || (ans.USD <= 0 && ans.NoPrice == "") {
		return answer{}, time.Time{}, fmt.Errorf("unreadable entry %s", key)
	}
	return ans, fetched, nil
}

func (a *apiSource) store(ctx context.Context, key string, ans answer, fetched time.Time) {
	if a.cache == nil {
		return
	}
	body, err := json.Marshal(ans)
	if err == nil {
		err = a.cache.Put(ctx, key, body, fetched)
	}
	if err != nil {
		a.opts.Logf("pricing: cache put %s: %v", key, err)
	}
}

// The breaker: after MaxFailures failed calls in a row the source stops
// calling AWS for this run. Reasons are short and stable (an error code,
// not the SDK's message with request IDs) because they end up in every
// record's CostBasis, where identical reasons must group together.

func (a *apiSource) breakerOpen() (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failures >= a.opts.MaxFailures {
		return "unavailable after " + strconv.Itoa(a.failures) + " errors, last " + a.lastFail, true
	}
	return "", false
}

func (a *apiSource) recordFailure(err error) string {
	reason := errorReason(err)
	a.mu.Lock()
	a.failures++
	a.lastFail = reason
	a.mu.Unlock()
	return reason
}

func (a *apiSource) recordSuccess() {
	a.mu.Lock()
	a.failures = 0
	a.mu.Unlock()
}

func errorReason(err error) string {
	var apiErr smithy.APIError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.ErrorCode()
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "request failed"
}
