package pricing

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awspricing "github.com/aws/aws-sdk-go-v2/service/pricing"
)

// fakePriceList is a stand-in for the Price List API at the protocol
// level: a real pricing.Client talks AWS JSON 1.1 to it over HTTP, so the
// filters, pagination tokens and the PriceList JSON strings are exercised
// exactly as the SDK sends and reads them.
type fakePriceList struct {
	t        *testing.T
	mu       sync.Mutex
	products []fakeProduct
	pageSize int
	failWith string // error code to answer every call with, if set
	requests []fakeRequest
}

type fakeProduct struct {
	service string
	attrs   map[string]string
	usd     string
}

type fakeRequest struct {
	ServiceCode   string
	FormatVersion string
	NextToken     string
	MaxResults    int
	Filters       []struct{ Type, Field, Value string }
}

// filter returns the request's value for a field.
func (r fakeRequest) filter(field string) string {
	for _, f := range r.Filters {
		if f.Field == field {
			return f.Value
		}
	}
	return ""
}

func newFakePriceList(t *testing.T, products ...fakeProduct) (*fakePriceList, *awspricing.Client) {
	f := &fakePriceList{t: t, products: products, pageSize: 100}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	client := awspricing.New(awspricing.Options{
		Region:           PricingRegion,
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1, // failures are the point of some tests; no backoff
	})
	return f, client
}

func (f *fakePriceList) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

func (f *fakePriceList) last() fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[len(f.requests)-1]
}

func (f *fakePriceList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "AWSPriceListService.GetProducts" ||
		r.Header.Get("Content-Type") != "application/x-amz-json-1.1" ||
		!strings.Contains(r.Header.Get("Authorization"), "AKIDTEST") {
		f.t.Errorf("unexpected request: %s target=%q type=%q", r.Method, r.Header.Get("X-Amz-Target"), r.Header.Get("Content-Type"))
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var req fakeRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.t.Errorf("decode request: %v", err)
	}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	failWith, pageSize := f.failWith, f.pageSize
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if failWith != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"%s","message":"fake failure"}`, failWith)
		return
	}
	var match []string
	for _, p := range f.products {
		if p.matches(req) {
			match = append(match, p.document())
		}
	}
	start, _ := strconv.Atoi(req.NextToken)
	end := min(start+pageSize, len(match))
	out := map[string]any{"FormatVersion": "aws_v1", "PriceList": match[start:end]}
	if end < len(match) {
		out["NextToken"] = strconv.Itoa(end)
	}
	json.NewEncoder(w).Encode(out)
}

// matches applies TERM_MATCH as the service does (case-insensitive).
func (p fakeProduct) matches(req fakeRequest) bool {
	if p.service != req.ServiceCode {
		return false
	}
	for _, f := range req.Filters {
		if f.Type != "TERM_MATCH" || !strings.EqualFold(p.attrs[f.Field], f.Value) {
			return false
		}
	}
	return true
}

// document renders the product as the API does: a JSON document (sent as
// a string) with the on-demand term's price dimension.
func (p fakeProduct) document() string {
	attrs := map[string]string{}
	for k, v := range p.attrs {
		if k != "productFamily" {
			attrs[k] = v
		}
	}
	doc := map[string]any{
		"product":     map[string]any{"sku": "SKU" + p.usd, "productFamily": p.attrs["productFamily"], "attributes": attrs},
		"serviceCode": p.service,
		"terms": map[string]any{"OnDemand": map[string]any{"SKU.JRTCKXETXF": map[string]any{
			"offerTermCode": "JRTCKXETXF",
			"priceDimensions": map[string]any{"SKU.JRTCKXETXF.6YS6EN2CT7": map[string]any{
				"unit": "Hrs", "pricePerUnit": map[string]string{"USD": p.usd}, "description": "fake",
			}},
		}}},
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// ec2Product is a Linux/shared/on-demand EC2 product; extra overrides or
// adds attributes (to make decoys).
func ec2Product(region, typ, usd string, extra ...string) fakeProduct {
	a := map[string]string{
		"productFamily": "Compute Instance", "instanceType": typ, "regionCode": region,
		"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA",
		"capacitystatus": "Used", "licenseModel": "No License required",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		a[extra[i]] = extra[i+1]
	}
	return fakeProduct{service: "AmazonEC2", attrs: a, usd: usd}
}

func rdsProduct(region, engine, class, deployment, storage, usd string) fakeProduct {
	return fakeProduct{service: "AmazonRDS", usd: usd, attrs: map[string]string{
		"productFamily": "Database Instance", "instanceType": class, "regionCode": region,
		"databaseEngine": engine, "deploymentOption": deployment, "storage": storage,
		"licenseModel": "No license required",
	}}
}
