package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/internal/mototest"
)

func writeEvent(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// opsd plan --event FILE: what one tag change would make opsd do, on that
// resource only, through the same planners as every reconcile; opsd's own
// tag writes come back as events too and change nothing.
func TestPlanEventShowsWhatOneEventDoes(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	ids := launchTagged(t, srv.Config("eu-west-2"), []string{"dev-a", "dev-b"}, "Environment=development", "OOOShutdown=true")
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nshutdown: {enabled: true}\n", srv.URL()))
	tag := func(keys string) string {
		return writeEvent(t, fmt.Sprintf(`{"id":"e-1","source":"aws.tag","detail-type":"Tag Change on Resource","account":%q,"region":"eu-west-2","resources":["arn:aws:ec2:eu-west-2:%s:instance/%s"],"detail":{"service":"ec2","resource-type":"instance","changed-tag-keys":[%s]}}`,
			mototest.DefaultAccountID, mototest.DefaultAccountID, ids["dev-a"], keys))
	}

	code, out, stderr := opsd(t, "plan", "--config", path, "--now", tuesdayEvening, "--json", "--event", tag(`"OOOShutdown"`))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var actions []map[string]any
	if err := json.Unmarshal([]byte(out), &actions); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(actions) != 1 || actions[0]["resource"] != ids["dev-a"] || actions[0]["action"] != "stop" || actions[0]["service"] != "shutdown" {
		t.Errorf("plan of the event = %v, want one shutdown stop of %s", actions, ids["dev-a"])
	}

	code, out, _ = opsd(t, "plan", "--config", path, "--now", tuesdayEvening, "--event", tag(`"opsd:shutdown:last-action"`))
	if code != 0 || !strings.Contains(out, "only opsd's own tags changed") {
		t.Errorf("opsd's own tag change: exit %d, %q", code, out)
	}
	code, _, stderr = opsd(t, "plan", "--config", path, "--event", writeEvent(t, `{"id":"x","source":"aws.s3","detail-type":"Object Created","detail":{}}`))
	if code != exitUsage || !strings.Contains(stderr, `opsd does not react to aws.s3 "Object Created"`) {
		t.Errorf("an event opsd does not read: exit %d, %q", code, stderr)
	}
}
