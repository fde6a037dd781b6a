package savings

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"

	"github.com/opsd-dev/opsd/state"
)

// PricingAPI is the part of the AWS Price List Query API opsd calls.
type PricingAPI interface {
	pricing.GetProductsAPIClient
}

var _ PricingAPI = (*pricing.Client)(nil)

// PricingRegion is where the Price List Query API is served from for
// opsd: its client's region must be us-east-1.
const PricingRegion = "us-east-1"

// CacheFor is how long a price is used before it is asked for again.
const CacheFor = 24 * time.Hour

// The prices' place in the state store.
const priceKind, priceKey = "savings", "prices"

// Query is one Price List product to price: a service code and
// TERM_MATCH filters, and, where the filters leave several kinds of
// usage, the usagetype wanted (without its region code).
type Query struct {
	Service string
	Filters map[string]string
	Usage   string
}

// Key names the query in the cache.
func (q Query) Key() string {
	var b strings.Builder
	b.WriteString(q.Service)
	for _, k := range slices.Sorted(maps.Keys(q.Filters)) {
		b.WriteString("|" + k + "=" + q.Filters[k])
	}
	if q.Usage != "" {
		b.WriteString("|usagetype=" + q.Usage)
	}
	return b.String()
}

// ErrNoPrice is a query the Price List has no on-demand price for.
var ErrNoPrice = errors.New("no on-demand price in the price list")

// cached is one price kept.
type cached struct {
	USD float64   `json:"usd"`
	At  time.Time `json:"at"`
}

// Pricer finds on-demand hourly prices in the Price List, each kept for a
// day in memory and, when Cache is set, in the state store.
type Pricer struct {
	// API is a Price List client in us-east-1.
	API PricingAPI
	// Cache keeps prices between processes and replicas; nil keeps them
	// in memory only.
	Cache state.Keeper
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	mem    map[string]cached
	loaded bool
}

// Price returns q's on-demand price in US dollars per unit (an hour, a
// vCPU-hour, a GB-hour): the lowest of the products that match, so that
// an estimate errs low.
func (p *Pricer) Price(ctx context.Context, q Query) (float64, error) {
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	key := q.Key()
	p.mu.Lock()
	p.load(ctx)
	c, ok := p.mem[key]
	p.mu.Unlock()
	if ok && now.Sub(c.At) < CacheFor && !now.Before(c.At) {
		return c.USD, nil
	}
	usd, err := p.ask(ctx, q)
	if err != nil {
		return 0, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mem[key] = cached{USD: usd, At: now.UTC()}
	if p.Cache != nil {
		p.Cache.Save(ctx, priceKind, priceKey, p.mem)
	}
	return usd, nil
}

func (p *Pricer) load(ctx context.Context) {
	if p.loaded {
		return
	}
	p.loaded = true
	p.mem = map[string]cached{}
	if m, ok := state.Load[map[string]cached](ctx, p.Cache, priceKind, priceKey); ok {
		maps.Copy(p.mem, m)
	}
}

// ask calls GetProducts for q, every page.
func (p *Pricer) ask(ctx context.Context, q Query) (float64, error) {
	in := &pricing.GetProductsInput{ServiceCode: aws.String(q.Service), FormatVersion: aws.String("aws_v1")}
	for _, k := range slices.Sorted(maps.Keys(q.Filters)) {
		in.Filters = append(in.Filters, pricingtypes.Filter{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String(k), Value: aws.String(q.Filters[k])})
	}
	var best float64
	found := false
	pages := pricing.NewGetProductsPaginator(p.API, in)
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("get price of %s: %w", q.Key(), err)
		}
		for _, doc := range out.PriceList {
			usd, ok, err := onDemandUSD(doc, q.Usage)
			if err != nil {
				return 0, fmt.Errorf("get price of %s: %w", q.Key(), err)
			}
			if ok && (!found || usd < best) {
				best, found = usd, true
			}
		}
	}
	if !found {
		return 0, fmt.Errorf("get price of %s: %w", q.Key(), ErrNoPrice)
	}
	return best, nil
}
