package savings

import (
	"fmt"
	"strconv"
)

// Size is what one resource runs when it is on, as priced: parts, each a
// count of one Price List product (two t3.medium instances; 1.5 vCPU and
// 3 GB of Fargate). A Size with no parts is not priced, and Note says
// why.
type Size struct {
	Parts []Part `json:"parts,omitempty"`
	Note  string `json:"note,omitempty"`
}

// Part is a count of one product.
type Part struct {
	Count float64 `json:"count"`
	// What names the product for people: "t3.medium Linux".
	What  string `json:"what"`
	Query Query  `json:"-"`
}

// String is the part for people: "2 × t3.medium Linux".
func (p Part) String() string {
	return strconv.FormatFloat(p.Count, 'f', -1, 64) + " × " + p.What
}

// unpriced is a Size opsd does not price, with the reason.
func unpriced(format string, args ...any) Size {
	return Size{Note: fmt.Sprintf(format, args...)}
}
