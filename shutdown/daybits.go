package shutdown

import "math/bits"

// dayBits is a set of the minutes of one day (bit m for minute m, 0–1439).
type dayBits [(minutesPerDay + 63) / 64]uint64

// setRange adds the minutes from to to, excluding to; both are clipped to
// the day.
func (b *dayBits) setRange(from, to int) {
	from, to = max(from, 0), min(to, minutesPerDay)
	for m := from; m < to; {
		w, o := m/64, m%64
		n := min(64-o, to-m)
		if n == 64 {
			b[w] = ^uint64(0)
		} else {
			b[w] |= (uint64(1)<<n - 1) << o
		}
		m += n
	}
}

func (b *dayBits) set(m int) { b[m/64] |= 1 << (m % 64) }

// full reports whether every minute of the day is in b.
func (b *dayBits) full() bool {
	return b.nextZero(-1) < 0
}

// nextZero returns the first minute after after that is not in b, or -1.
func (b *dayBits) nextZero(after int) int {
	m := after + 1
	for m < minutesPerDay {
		w, o := m/64, m%64
		z := ^b[w] >> o
		if z != 0 {
			if r := m + bits.TrailingZeros64(z); r < minutesPerDay {
				return r
			}
			return -1
		}
		m = (w + 1) * 64
	}
	return -1
}

// prevZero returns the last minute before before that is not in b, or -1.
func (b *dayBits) prevZero(before int) int {
	m := before - 1
	for m >= 0 {
		w, o := m/64, m%64
		z := ^b[w] << (63 - o)
		if z != 0 {
			return m - bits.LeadingZeros64(z)
		}
		m = w*64 - 1
	}
	return -1
}

// bridge adds every minute not in b whose neighbours both are: a one-minute
// gap between two stretches. before and after say whether the minutes
// either side of the day (the last of the day before, the first of the
// next) are in b.
func (b *dayBits) bridge(before, after bool) {
	var left, right dayBits // left: the minute before is set; right: the minute after
	carry := uint64(0)
	if before {
		carry = 1
	}
	for w := range b {
		left[w] = b[w]<<1 | carry
		carry = b[w] >> 63
	}
	for w := len(b) - 1; w >= 0; w-- {
		var next uint64
		if w+1 < len(b) {
			next = b[w+1] << 63
		}
		right[w] = b[w]>>1 | next
	}
	if after {
		right.set(minutesPerDay - 1)
	}
	for w := range b {
		b[w] |= left[w] & right[w]
	}
	b.trim()
}

// trim clears the bits past the day's last minute.
func (b *dayBits) trim() {
	const tail = minutesPerDay % 64
	b[len(b)-1] &= uint64(1)<<tail - 1
}
