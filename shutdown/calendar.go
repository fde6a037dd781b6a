package shutdown

// offCalendar is what keeps a schedule off besides its periods and dated
// holidays: built-in bank holidays and calendar events.
type offCalendar struct{}

// dayOff reports whether the calendar keeps the whole day off.
func (c *offCalendar) dayOff(day int64) bool { return false }

// minuteOff reports whether the calendar keeps a minute of a day off.
func (c *offCalendar) minuteOff(day int64, minute int) bool { return false }

// fillDay adds the minutes of a day the calendar keeps off.
func (c *offCalendar) fillDay(day int64, b *dayBits) {}
