package audit

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// alarmsOn returns the names of the alarms that watch, in namespace, one
// of metrics (any metric when metrics is empty) with dimension key=value,
// directly or inside a metric-math expression.
func (inv *Inventory) alarmsOn(namespace string, metrics []string, key, value string) []string {
	var out []string
	for _, a := range inv.Alarms {
		for _, m := range a.Metrics {
			if m.Namespace != namespace || (len(metrics) > 0 && !slices.Contains(metrics, m.Name)) || m.Dimensions[key] != value {
				continue
			}
			out = appendNew(out, a.Name)
			break
		}
	}
	return out
}

// scheduleInterval returns how often a Synthetics schedule expression
// runs: "rate(5 minutes)" is 5m. It reports false for cron expressions
// and for rate(0 minute), which runs once.
func scheduleInterval(expr string) (time.Duration, bool) {
	inner, ok := strings.CutPrefix(strings.TrimSpace(expr), "rate(")
	if !ok {
		return 0, false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return 0, false
	}
	fields := strings.Fields(inner)
	if len(fields) != 2 {
		return 0, false
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n <= 0 {
		return 0, false
	}
	switch strings.TrimSuffix(fields[1], "s") {
	case "minute":
		return time.Duration(n) * time.Minute, true
	case "hour":
		return time.Duration(n) * time.Hour, true
	}
	return 0, false
}
