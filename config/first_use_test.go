package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check-config catches what run would otherwise fail on, and says where.
func TestFirstUseMistakesAreNamed(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{`http: {listen: "0.0.0.0:99999"}`, `http.listen: "0.0.0.0:99999": port "99999" is not a number from 0 to 65535`},
		{`http: {listen: "0.0.0.0:http"}`, `http.listen: "0.0.0.0:http": port "http" is not a number`},
	} {
		_, err := parse(t, "aws: {regions: [eu-west-2]}\n"+tc.yaml+"\n")
		if got := strings.Join(problems(t, err), "\n"); !strings.Contains(got, tc.want) {
			t.Errorf("%s: problems %q, want %q", tc.yaml, got, tc.want)
		}
	}
	// Routes take every kind channels take, certs included.
	if _, err := parse(t, "aws: {regions: [eu-west-2]}\nnotify: {slack: {token: xoxb-1, channel: \"#ops\"}, routes: [{services: [certs], channel: \"#certs\"}]}\n"); err != nil {
		t.Errorf("a route for certs refused: %v", err)
	}
}

// A file that is not YAML is named in the error.
func TestYAMLErrorNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "opsd.yaml")
	if err := os.WriteFile(path, []byte("aws: {regions: [eu-west-2]\nshutdown: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, nil)
	if err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("Load = %v, want an error starting with the file's path", err)
	}
}
