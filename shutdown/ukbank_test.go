package shutdown

import (
	"fmt"
	"slices"
	"testing"
)

// The computed bank holidays are GOV.UK's published lists for 2026 and
// 2027.
func TestUKBankHolidaysMatchThePublishedLists(t *testing.T) {
	cases := []struct {
		region ukRegions
		year   int
		want   []string
	}{
		{ukEnglandWales, 2026, []string{
			"2026-01-01 New Year's Day", "2026-04-03 Good Friday", "2026-04-06 Easter Monday", "2026-05-04 Early May bank holiday",
			"2026-05-25 Spring bank holiday", "2026-08-31 Summer bank holiday", "2026-12-25 Christmas Day", "2026-12-28 Boxing Day (substitute day)"}},
		{ukEnglandWales, 2027, []string{
			"2027-01-01 New Year's Day", "2027-03-26 Good Friday", "2027-03-29 Easter Monday", "2027-05-03 Early May bank holiday",
			"2027-05-31 Spring bank holiday", "2027-08-30 Summer bank holiday", "2027-12-27 Christmas Day (substitute day)", "2027-12-28 Boxing Day (substitute day)"}},
		{ukScotland, 2026, []string{
			"2026-01-01 New Year's Day", "2026-01-02 2nd January", "2026-04-03 Good Friday", "2026-05-04 Early May bank holiday",
			"2026-05-25 Spring bank holiday", "2026-08-03 Summer bank holiday", "2026-11-30 St Andrew's Day", "2026-12-25 Christmas Day",
			"2026-12-28 Boxing Day (substitute day)"}},
		{ukScotland, 2027, []string{
			"2027-01-01 New Year's Day", "2027-01-04 2nd January (substitute day)", "2027-03-26 Good Friday", "2027-05-03 Early May bank holiday",
			"2027-05-31 Spring bank holiday", "2027-08-02 Summer bank holiday", "2027-11-30 St Andrew's Day", "2027-12-27 Christmas Day (substitute day)",
			"2027-12-28 Boxing Day (substitute day)"}},
		{ukNorthernIreland, 2026, []string{
			"2026-01-01 New Year's Day", "2026-03-17 St Patrick's Day", "2026-04-03 Good Friday", "2026-04-06 Easter Monday",
			"2026-05-04 Early May bank holiday", "2026-05-25 Spring bank holiday", "2026-07-13 Battle of the Boyne (Orangemen's Day) (substitute day)",
			"2026-08-31 Summer bank holiday", "2026-12-25 Christmas Day", "2026-12-28 Boxing Day (substitute day)"}},
		{ukNorthernIreland, 2027, []string{
			"2027-01-01 New Year's Day", "2027-03-17 St Patrick's Day", "2027-03-26 Good Friday", "2027-03-29 Easter Monday",
			"2027-05-03 Early May bank holiday", "2027-05-31 Spring bank holiday", "2027-07-12 Battle of the Boyne (Orangemen's Day)",
			"2027-08-30 Summer bank holiday", "2027-12-27 Christmas Day (substitute day)", "2027-12-28 Boxing Day (substitute day)"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d/%d", tc.region, tc.year), func(t *testing.T) {
			var buf [16]bankHoliday
			var got []string
			for _, h := range ukBankHolidays(tc.year, tc.region, &buf) {
				y, m, d := civilDate(h.day)
				got = append(got, fmt.Sprintf("%04d-%02d-%02d %s", y, m, d, h))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n  %v\nwant\n  %v", got, tc.want)
			}
		})
	}
	// Substitutes in the other weekend cases: 2022 (Christmas on a Sunday,
	// New Year's Day on a Saturday) and 2011 (New Year's Day on a Saturday
	// in Scotland: 3 and 4 January).
	var buf [16]bankHoliday
	sc := ukBankHolidays(2022, ukEnglandWales, &buf)
	if sc[0].day != dayNumber(2022, 1, 3) || sc[len(sc)-2].day != dayNumber(2022, 12, 26) || sc[len(sc)-1].day != dayNumber(2022, 12, 27) {
		t.Errorf("2022 substitutes: %v", sc)
	}
	s11 := ukBankHolidays(2011, ukScotland, &buf)
	if s11[0].day != dayNumber(2011, 1, 3) || s11[1].day != dayNumber(2011, 1, 4) {
		t.Errorf("scotland 2011: %v", s11)
	}
	if got, _ := ukBankHoliday(dayNumber(2026, 12, 28), ukEnglandWales|ukScotland); got.String() != "Boxing Day (substitute day)" {
		t.Errorf("ukBankHoliday = %q", got)
	}
}
