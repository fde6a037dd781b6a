package shutdown

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// parseDate parses a YYYY-MM-DD date into its day number: days since
// 1970-01-01 on the civil calendar, independent of any timezone.
func parseDate(s string) (int32, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return int32(floorDiv(t.Unix(), secondsPerDay)), nil
}

// parseHolidayLines parses a holidays file: one date a line; blank lines
// and anything after # are ignored. Each error names its line number.
func parseHolidayLines(name, text string) ([]int32, []error) {
	var days []int32
	var errs []error
	for i, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		d, err := parseDate(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s line %d: %w", name, i+1, err))
			continue
		}
		days = append(days, d)
	}
	return days, errs
}

// readHolidaysFile reads and parses the holidays file at path.
func readHolidaysFile(path string) ([]int32, []error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []error{fmt.Errorf("read holidays file: %w", err)}
	}
	return parseHolidayLines(path, string(data))
}

// collectHolidays returns the configured holidays, from the list and the
// file, sorted and without repeats, with every problem found; each
// problem's path starts with path ("shutdown").
func (c Config) collectHolidays(path string) ([]int32, []error) {
	var days []int32
	var errs []error
	for i, h := range c.Holidays {
		d, err := parseDate(string(h))
		if err != nil {
			errs = append(errs, &FieldError{Path: fmt.Sprintf("%s.holidays[%d]", path, i), Err: err})
			continue
		}
		days = append(days, d)
	}
	if c.HolidaysFile != "" {
		fileDays, fileErrs := readHolidaysFile(c.HolidaysFile)
		for _, err := range fileErrs {
			errs = append(errs, &FieldError{Path: path + ".holidays_file", Err: err})
		}
		days = append(days, fileDays...)
	}
	slices.Sort(days)
	return slices.Compact(days), errs
}

// floorDiv is a/b rounded towards minus infinity (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
