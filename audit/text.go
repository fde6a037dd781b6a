package audit

import (
	"fmt"
	"strings"
)

// list joins items with ", ", showing at most max of them and how many
// more there are.
func list(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + fmt.Sprintf(" and %d more", len(items)-max)
}
