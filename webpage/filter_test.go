package webpage

import (
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/reconcile"
)

func TestFilter(t *testing.T) {
	rows := []Row{
		{Service: "shutdown", Account: "111111111111", Resource: "i-1", Status: reconcile.Done, Application: "Payments"},
		{Service: "shutdown", Account: "222222222222", Resource: "i-2", Status: reconcile.Failed},
		{Service: "backup", Account: "111111111111", Resource: "db-1", Status: reconcile.Failed, Application: "checkout"},
	}
	for _, c := range []struct {
		name string
		f    filter
		want string
	}{
		{"none", filter{}, "i-1 i-2 db-1"},
		{"service", filter{Service: "shutdown"}, "i-1 i-2"},
		{"account", filter{Account: "111111111111"}, "i-1 db-1"},
		{"application, ignoring case", filter{Application: "payments"}, "i-1"},
		{"application not known", filter{Application: unknownApplication}, "i-2"},
		{"status", filter{Status: "failed"}, "i-2 db-1"},
		{"all of them", filter{Service: "backup", Account: "111111111111", Application: "checkout", Status: "failed"}, "db-1"},
		{"nothing matches", filter{Service: "patching"}, ""},
	} {
		if got := resources(c.f.apply(rows)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	fields := filter{Service: "patching"}.fields(rows)
	var services []string
	for _, o := range fields[0].Options {
		services = append(services, o.Value)
		if o.Selected != (o.Value == "patching") {
			t.Errorf("option %q selected: %v", o.Value, o.Selected)
		}
	}
	if strings.Join(services, " ") != "backup patching shutdown" {
		t.Errorf("service choices %v, want those of the history and the one chosen", services)
	}
}
