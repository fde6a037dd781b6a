package savings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/pricing"

	"github.com/opsd-dev/opsd/state"
)

// product is one Price List product as GetProducts returns it.
func product(sku string, attrs map[string]string, usd string) string {
	b, _ := json.Marshal(map[string]any{
		"product":     map[string]any{"sku": sku, "productFamily": "Compute Instance", "attributes": attrs},
		"serviceCode": "AmazonEC2",
		"terms": map[string]any{"OnDemand": map[string]any{sku + ".JRTCKXETXF": map[string]any{
			"offerTermCode": "JRTCKXETXF", "sku": sku,
			"priceDimensions": map[string]any{sku + ".JRTCKXETXF.6YS6EN2CT7": map[string]any{
				"unit": "Hrs", "description": "on demand", "pricePerUnit": map[string]string{"USD": usd},
			}},
		}}},
	})
	return string(b)
}

// priceList is a stand-in for the Price List Query API speaking AWS JSON
// 1.1: it answers AWSPriceListService.GetProducts from products by
// service code, in pages of two.
type priceList struct {
	t        *testing.T
	products map[string][]string
	mu       sync.Mutex
	calls    int
	filters  []map[string]string
}

func (p *priceList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("X-Amz-Target"); got != "AWSPriceListService.GetProducts" {
		http.Error(w, "unexpected "+got, http.StatusBadRequest)
		return
	}
	if !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/pricing/aws4_request") {
		p.t.Errorf("GetProducts not signed for us-east-1 pricing: %s", r.Header.Get("Authorization"))
	}
	var in struct {
		ServiceCode string
		NextToken   string
		Filters     []struct{ Type, Field, Value string }
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f := map[string]string{}
	for _, x := range in.Filters {
		if x.Type != "TERM_MATCH" {
			p.t.Errorf("filter %+v is not TERM_MATCH", x)
		}
		f[x.Field] = x.Value
	}
	p.mu.Lock()
	p.calls++
	p.filters = append(p.filters, f)
	p.mu.Unlock()
	all := p.products[in.ServiceCode+"|"+f["instanceType"]]
	start := 0
	if in.NextToken != "" {
		fmt.Sscan(in.NextToken, &start)
	}
	end := min(start+2, len(all))
	out := map[string]any{"FormatVersion": "aws_v1", "PriceList": all[start:end]}
	if end < len(all) {
		out["NextToken"] = fmt.Sprint(end)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

func newPriceList(t *testing.T) (*priceList, *pricing.Client) {
	p := &priceList{t: t, products: map[string][]string{
		"AmazonEC2|t3.medium": {
			product("A", map[string]string{"instanceType": "t3.medium", "usagetype": "EUW2-BoxUsage:t3.medium"}, "0.0472000000"),
			product("B", map[string]string{"instanceType": "t3.medium"}, "0.0000000000"),
			// A third product on the second page, cheaper: the lowest wins.
			product("C", map[string]string{"instanceType": "t3.medium"}, "0.0470000000"),
		},
		"AmazonECS|": {
			product("S", map[string]string{"usagetype": "EUW2-SpotUsage-Fargate-vCPU-Hours:perCPU"}, "0.0130000000"),
			product("V", map[string]string{"usagetype": "EUW2-Fargate-vCPU-Hours:perCPU"}, "0.0465600000"),
			product("G", map[string]string{"usagetype": "EUW2-Fargate-GB-Hours"}, "0.0051100000"),
			product("W", map[string]string{"usagetype": "EUW2-Fargate-Windows-GB-Hours"}, "0.0010000000"),
		},
	}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	client := pricing.NewFromConfig(aws.Config{
		Region: PricingRegion, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
	})
	return p, client
}

func TestPricerAsksThePriceListAndCachesForADay(t *testing.T) {
	ctx := context.Background()
	pl, client := newPriceList(t)
	now := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	store := state.NewTolerant(state.NewMemory(), nil)
	p := &Pricer{API: client, Cache: store, Now: func() time.Time { return now }}

	usd, err := p.Price(ctx, EC2Query("eu-west-2", "t3.medium", "Linux"))
	if err != nil || usd != 0.047 {
		t.Fatalf("price %v, %v; want 0.047 (the lowest positive of three, over two pages)", usd, err)
	}
	if pl.calls != 2 {
		t.Errorf("%d GetProducts calls, want 2 (two pages)", pl.calls)
	}
	want := map[string]string{"regionCode": "eu-west-2", "instanceType": "t3.medium", "operatingSystem": "Linux",
		"tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required"}
	for k, v := range want {
		if pl.filters[0][k] != v {
			t.Errorf("filter %s = %q, want %q (all: %v)", k, pl.filters[0][k], v, pl.filters[0])
		}
	}
	// Within the day: from memory, then from the state store in a new
	// process.
	now = now.Add(23 * time.Hour)
	if _, err := p.Price(ctx, EC2Query("eu-west-2", "t3.medium", "Linux")); err != nil || pl.calls != 2 {
		t.Errorf("second price: %v, %d calls, want none more", err, pl.calls)
	}
	p2 := &Pricer{API: client, Cache: store, Now: func() time.Time { return now }}
	if usd, err := p2.Price(ctx, EC2Query("eu-west-2", "t3.medium", "Linux")); err != nil || usd != 0.047 || pl.calls != 2 {
		t.Errorf("from the store: %v, %v, %d calls", usd, err, pl.calls)
	}
	// A day on, it asks again.
	now = now.Add(2 * time.Hour)
	if _, err := p2.Price(ctx, EC2Query("eu-west-2", "t3.medium", "Linux")); err != nil || pl.calls != 4 {
		t.Errorf("after a day: %v, %d calls, want 4", err, pl.calls)
	}
}

func TestPricerFargateAndMissingPrices(t *testing.T) {
	ctx := context.Background()
	_, client := newPriceList(t)
	p := &Pricer{API: client}
	cpu, err := p.Price(ctx, FargateCPUQuery("eu-west-2"))
	if err != nil || cpu != 0.04656 {
		t.Errorf("vCPU-hour %v, %v; want 0.04656 (not Spot's)", cpu, err)
	}
	gb, err := p.Price(ctx, FargateGBQuery("eu-west-2"))
	if err != nil || gb != 0.00511 {
		t.Errorf("GB-hour %v, %v; want 0.00511 (not Windows')", gb, err)
	}
	// 3 tasks of 0.5 vCPU and 1 GB: 1.5 × 0.04656 + 3 × 0.00511 = 0.08517 an hour.
	priced, err := p.Hourly(ctx, Size{Parts: []Part{
		{Count: 1.5, What: "Fargate vCPU", Query: FargateCPUQuery("eu-west-2")},
		{Count: 3, What: "Fargate GB", Query: FargateGBQuery("eu-west-2")},
	}})
	if err != nil || priced.HourlyUSD == nil || *priced.HourlyUSD != 0.08517 {
		t.Errorf("hourly %+v, %v; want 0.08517", priced, err)
	}
	if _, err := p.Price(ctx, EC2Query("eu-west-2", "m9.huge", "Linux")); !errors.Is(err, ErrNoPrice) {
		t.Errorf("unknown type: %v, want ErrNoPrice", err)
	}
	priced, err = p.Hourly(ctx, Size{Parts: []Part{{Count: 1, What: "m9.huge Linux", Query: EC2Query("eu-west-2", "m9.huge", "Linux")}}})
	if err != nil || priced.HourlyUSD != nil || !strings.Contains(priced.Note, "m9.huge") {
		t.Errorf("unknown type priced %+v, %v", priced, err)
	}
}

func TestRDSQueryFilters(t *testing.T) {
	q := RDSQuery("eu-west-2", "db.t3.micro", "postgres", "postgresql-license", true, false)
	want := map[string]string{"regionCode": "eu-west-2", "instanceType": "db.t3.micro", "databaseEngine": "PostgreSQL",
		"licenseModel": "No license required", "deploymentOption": "Multi-AZ"}
	if fmt.Sprint(q.Filters) != fmt.Sprint(want) || q.Service != "AmazonRDS" {
		t.Errorf("filters %v, want %v", q.Filters, want)
	}
	q = RDSQuery("eu-west-2", "db.r6g.large", "aurora-postgresql", "postgresql-license", false, true)
	want = map[string]string{"regionCode": "eu-west-2", "instanceType": "db.r6g.large", "databaseEngine": "Aurora PostgreSQL"}
	if fmt.Sprint(q.Filters) != fmt.Sprint(want) {
		t.Errorf("aurora filters %v, want %v", q.Filters, want)
	}
	q = RDSQuery("eu-west-2", "db.m5.large", "sqlserver-se", "license-included", false, false)
	if q.Filters["databaseEdition"] != "Standard" || q.Filters["licenseModel"] != "License included" || q.Filters["deploymentOption"] != "Single-AZ" {
		t.Errorf("sql server filters %v", q.Filters)
	}
}
