package notify

import "strconv"

// Count is n with the noun that agrees with it: "1 message",
// "3 messages", "0 messages".
func Count[N ~int | ~int32 | ~int64](n N, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(int64(n), 10) + " " + many
}
