package savings

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// priceItem is the part of one Price List product opsd reads: its
// attributes and its on-demand prices, terms.OnDemand.*.priceDimensions.*
// .pricePerUnit.USD.
type priceItem struct {
	Product struct {
		SKU        string            `json:"sku"`
		Attributes map[string]string `json:"attributes"`
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

// onDemandUSD returns the lowest positive on-demand price in US dollars
// of one Price List product (a JSON document as GetProducts returns it),
// keeping it only when the product's usagetype is usage, with or without
// the region code the Price List puts before it (any when usage is
// empty). ok is false when it has none.
func onDemandUSD(doc, usage string) (usd float64, ok bool, err error) {
	var it priceItem
	if err := json.Unmarshal([]byte(doc), &it); err != nil {
		return 0, false, fmt.Errorf("read price list product: %w", err)
	}
	if usage != "" && !isUsage(it.Product.Attributes["usagetype"], usage) {
		return 0, false, nil
	}
	for _, term := range it.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			v, err := strconv.ParseFloat(dim.PricePerUnit["USD"], 64)
			if err != nil || v <= 0 {
				continue
			}
			if !ok || v < usd {
				usd, ok = v, true
			}
		}
	}
	return usd, ok, nil
}

// isUsage reports whether usagetype is usage, or usage after a region
// code ("EUW2-Fargate-GB-Hours" is "Fargate-GB-Hours"; "EUW2-SpotUsage-
// Fargate-GB-Hours" is not).
func isUsage(usagetype, usage string) bool {
	if usagetype == usage {
		return true
	}
	prefix, rest, ok := strings.Cut(usagetype, "-")
	if !ok || rest != usage || prefix == "" {
		return false
	}
	for _, c := range prefix {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
