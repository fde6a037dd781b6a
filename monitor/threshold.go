package monitor

import (
	"fmt"
	"strconv"
)

// unit is how a metric's threshold is measured.
type unit struct {
	// name is shown in messages: "%", "count", "MiB".
	name string
	// min and max bound a threshold (inclusive); max < 0 means none.
	min, max float64
	// positive requires a threshold above min.
	positive bool
}

var (
	unitPercent = unit{name: "%", min: 0, max: 100}
	unitCount   = unit{name: "count", min: 0, max: -1}
	unitMiB     = unit{name: "MiB", min: 0, max: -1, positive: true}
)

// thresholdUnit returns the unit of a kind's metric threshold.
func thresholdUnit(k Kind, metric string) unit {
	switch {
	case k == KindRDS && metric == MetricMemory:
		return unitMiB
	case metric == MetricCPU, metric == MetricMemory, metric == MetricDisk, metric == MetricDiskIO,
		metric == MetricStorage, metric == MetricSuccess, metric == MetricDuration:
		return unitPercent
	}
	return unitCount
}

// check returns why v is not a valid threshold in u, or nil.
func (u unit) check(v float64) error {
	switch {
	case v != v: // NaN
		return fmt.Errorf("is not a number")
	case u.positive && v <= u.min:
		return fmt.Errorf("must be above %s %s", formatNumber(u.min), u.name)
	case v < u.min:
		return fmt.Errorf("must be at least %s", formatNumber(u.min))
	case u.max >= 0 && v > u.max:
		return fmt.Errorf("must be at most %s (%s)", formatNumber(u.max), u.name)
	}
	return nil
}

// formatNumber writes a threshold without needless digits: 80, 12.5.
func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
