package shutdown

// civilDate returns the year, month (1–12) and day of the month of a day
// number (days since 1970-01-01 on the proleptic Gregorian calendar). It
// does not allocate.
func civilDate(day int64) (year, month, dom int) {
	// Howard Hinnant's civil_from_days.
	z := day + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}

// dayNumber is the day number of a civil date; the inverse of
// [civilDate].
func dayNumber(year, month, dom int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	m := int64(month)
	if m > 2 {
		m -= 3
	} else {
		m += 9
	}
	doy := (153*m+2)/5 + int64(dom) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// daysInMonth is the number of days in a month of a year.
func daysInMonth(year, month int) int {
	switch month {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// daysPerCycle is the length of the Gregorian calendar's cycle: 400 years,
// a whole number of weeks, after which dates fall on the same weekdays.
const daysPerCycle = 146097
