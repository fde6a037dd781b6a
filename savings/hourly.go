package savings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Hourly prices size: the sum of each part's count times its product's
// on-demand price. A part the Price List has no price for leaves the
// whole resource unpriced, with a note; any other failure is an error.
func (p *Pricer) Hourly(ctx context.Context, size Size) (Priced, error) {
	if len(size.Parts) == 0 {
		return Priced{Note: size.Note}, nil
	}
	var total float64
	var basis []string
	for _, part := range size.Parts {
		usd, err := p.Price(ctx, part.Query)
		if errors.Is(err, ErrNoPrice) {
			return Priced{Note: fmt.Sprintf("no on-demand price for %s in the price list: not priced", part.What)}, nil
		}
		if err != nil {
			return Priced{}, err
		}
		total += part.Count * usd
		basis = append(basis, part.String()+" at $"+strconv.FormatFloat(usd, 'f', -1, 64))
	}
	total = round(total, 6)
	return Priced{HourlyUSD: &total, Basis: strings.Join(basis, " + "), Note: size.Note}, nil
}
