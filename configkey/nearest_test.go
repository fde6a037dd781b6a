package configkey

import "testing"

func TestNearest(t *testing.T) {
	names := []string{"run", "plan", "explain", "audit", "check-config", "version"}
	for _, tc := range []struct{ in, want string }{
		{"pln", "plan"},
		{"explian", "explain"},
		{"chek-config", "check-config"},
		{"deploy", ""},
		{"", ""},
		{"runn", "run"},
	} {
		if got := Nearest(tc.in, names); got != tc.want {
			t.Errorf("Nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
