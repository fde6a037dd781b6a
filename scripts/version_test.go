package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tree is a copy of version.sh in a directory of its own, with a git
// repository or without.
type tree struct {
	t   *testing.T
	dir string
}

func newTree(t *testing.T, withGit bool) *tree {
	t.Helper()
	tr := &tree{t: t, dir: t.TempDir()}
	script, err := os.ReadFile("version.sh")
	if err != nil {
		t.Fatal(err)
	}
	tr.write("scripts/version.sh", string(script), 0o755)
	tr.write("README", "a tree\n", 0o644)
	if withGit {
		tr.git("init", "-q")
	}
	return tr
}

func (tr *tree) write(name, content string, mode os.FileMode) {
	tr.t.Helper()
	path := filepath.Join(tr.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) git(args ...string) string {
	tr.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = tr.dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tr.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit commits every file and returns the abbreviated commit.
func (tr *tree) commit(msg string) string {
	tr.t.Helper()
	tr.git("add", "--all")
	tr.git("commit", "-q", "-m", msg)
	return tr.git("rev-parse", "--short=7", "HEAD")
}

// version runs version.sh version and returns its output and exit code.
func (tr *tree) version() (string, int) {
	tr.t.Helper()
	cmd := exec.Command(filepath.Join(tr.dir, "scripts", "version.sh"), "version")
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tr.t.Fatal(err)
	}
	return strings.TrimSpace(string(out)), code
}

func (tr *tree) wantVersion(want string) {
	tr.t.Helper()
	if got, code := tr.version(); got != want || code != 0 {
		tr.t.Errorf("version.sh version: %q (exit %d), want %q", got, code, want)
	}
}

// TestVersionComesFromTheVersionFile walks a tree through a development
// cycle and a release: the version is VERSION's, with the commit between
// releases, and exactly VERSION's from the release commit, with no tag.
func TestVersionComesFromTheVersionFile(t *testing.T) {
	tr := newTree(t, true)
	tr.write("VERSION", "0.2.0-dev\n", 0o644)
	dev := tr.commit("start 0.2.0")
	tr.wantVersion("v0.2.0-dev+" + dev)

	tr.write("README", "a changed tree\n", 0o644)
	tr.wantVersion("v0.2.0-dev+" + dev + ".dirty")
	dev = tr.commit("a change")
	tr.wantVersion("v0.2.0-dev+" + dev)

	// The release commit sets VERSION; a build from it says the release.
	tr.write("VERSION", "0.2.0\n", 0o644)
	tr.wantVersion("v0.2.0+" + dev + ".dirty")
	rel := tr.commit("release: 0.2.0")
	tr.wantVersion("v0.2.0")
	if tags := tr.git("tag", "--list"); tags != "" {
		t.Fatalf("the tree has tags %q; this test is about a release without one", tags)
	}
	tr.write("README", "a tree after the release\n", 0o644)
	tr.wantVersion("v0.2.0+" + rel + ".dirty")

	// A commit after it is not the release.
	after := tr.commit("after the release")
	tr.wantVersion("v0.2.0+1." + after)
	tr.write("README", "a tree two commits after the release\n", 0o644)
	after = tr.commit("another")
	tr.wantVersion("v0.2.0+2." + after)

	// The next development version.
	tr.write("VERSION", "0.3.0-dev\n", 0o644)
	next := tr.commit("start 0.3.0")
	tr.wantVersion("v0.3.0-dev+" + next)
}

func TestVersionOutsideGit(t *testing.T) {
	tr := newTree(t, false)
	tr.write("VERSION", "0.2.0\n", 0o644)
	tr.wantVersion("v0.2.0")
	tr.write("VERSION", "0.2.0-dev\n", 0o644)
	tr.wantVersion("v0.2.0-dev")
}

func TestVersionFileRefused(t *testing.T) {
	for name, content := range map[string]string{
		"missing":   "",
		"v prefix":  "v0.2.0\n",
		"two parts": "0.2\n",
		"two lines": "0.2.0\n0.3.0\n",
	} {
		t.Run(name, func(t *testing.T) {
			tr := newTree(t, true)
			if name != "missing" {
				tr.write("VERSION", content, 0o644)
			}
			tr.commit("a tree")
			if got, code := tr.version(); code != 1 || !strings.Contains(got, "VERSION") {
				t.Errorf("version.sh version with VERSION %q: %q (exit %d), want exit 1 naming VERSION", content, got, code)
			}
		})
	}
}
