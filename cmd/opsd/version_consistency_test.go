package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// repoRoot is the top of the repository, seen from this package.
const repoRoot = "../.."

// versionLine is what VERSION holds: a release (0.2.0) or the next
// release in development (0.2.0-dev).
var versionLine = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$`)

// imageTag is opsd's image named with a version tag in a document or
// template: in a registry (….amazonaws.com/opsd:v0.2.0) or on its own.
var imageTag = regexp.MustCompile("(?:\\.amazonaws\\.com/|[\\s\"'`(])opsd:(v?[0-9][0-9A-Za-z.+-]*[0-9A-Za-z])")

// moduleSource is a Terraform module call of opsd's modules from the
// repository, with what follows the module path.
var moduleSource = regexp.MustCompile(`source\s*=\s*"github\.com/opsd-dev/opsd//deploy/terraform/[a-z-]+([^"]*)"`)

// releasedHeading is a CHANGELOG section of a release: ## [0.1.0] - 2026-12-03.
var releasedHeading = regexp.MustCompile(`(?m)^## \[(\d+)\.(\d+)\.(\d+)\] - \d{4}-\d{2}-\d{2}$`)

// TestVersionIsOneEverywhere checks that VERSION is the one version of the
// tree: scripts/version.sh (and so make build, make image, make release)
// says it, the documents and templates name the image tag and Terraform
// module ref of its release, and the CHANGELOG's latest released section is
// that release, or, while VERSION is a -dev version, the one before it.
func TestVersionIsOneEverywhere(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "VERSION"))
	if err != nil {
		t.Errorf("no VERSION file: %v", err)
	}
	version := strings.TrimSpace(string(raw))
	m := versionLine.FindStringSubmatch(version)
	if m == nil {
		t.Errorf("VERSION holds %q, not MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE", version)
		m = []string{"", "0", "0", "0", ""}
	}
	core := [3]int{atoi(t, m[1]), atoi(t, m[2]), atoi(t, m[3])}
	dev := m[4] != ""
	tag := fmt.Sprintf("v%d.%d.%d", core[0], core[1], core[2])

	// What the build says: scripts/version.sh, which make reads.
	out, err := exec.Command(filepath.Join(repoRoot, "scripts", "version.sh"), "version").Output()
	said := strings.TrimSpace(string(out))
	if err != nil {
		t.Errorf("scripts/version.sh version: %v", err)
	}
	if want := "v" + version; !(said == want || strings.HasPrefix(said, want+"+")) {
		t.Errorf("scripts/version.sh version says %q, VERSION %q: want %s or %s+BUILD", said, version, want, want)
	}
	makefile := readRepoFile(t, "Makefile")
	if !regexp.MustCompile(`(?m)^VERSION\s*\?=\s*\$\(shell scripts/version\.sh version\)$`).MatchString(makefile) {
		t.Error("Makefile: VERSION is not $(shell scripts/version.sh version)")
	}
	if dockerfile := readRepoFile(t, "Dockerfile"); !strings.Contains(dockerfile, "cat VERSION") {
		t.Error("Dockerfile: the build stage does not read VERSION when no VERSION build argument is given")
	}

	// The image tag the documents and templates deploy.
	for _, f := range []string{
		"README.md",
		"deploy/README.md",
		"deploy/ecs/task-definition.json",
		"deploy/cloudformation/hub.yaml",
		"deploy/terraform/hub/variables.tf",
	} {
		text := readRepoFile(t, f)
		found := imageTag.FindAllStringSubmatch(text, -1)
		if len(found) == 0 && f != "README.md" {
			t.Errorf("%s names no opsd image tag; want opsd:%s", f, tag)
		}
		for _, s := range found {
			if s[1] != tag {
				t.Errorf("%s: image opsd:%s, VERSION %s: want opsd:%s", f, s[1], version, tag)
			}
		}
	}

	// The Terraform module sources in the documents: pinned to the release.
	for _, f := range []string{"README.md", "deploy/README.md"} {
		found := moduleSource.FindAllStringSubmatch(readRepoFile(t, f), -1)
		if len(found) == 0 && f == "deploy/README.md" {
			t.Errorf("%s calls no opsd Terraform module", f)
		}
		for _, s := range found {
			if s[1] != "?ref="+tag {
				t.Errorf("%s: module source %s, VERSION %s: want ?ref=%s", f, s[0], version, tag)
			}
		}
	}

	// The CHANGELOG's latest released section.
	changelog := readRepoFile(t, "CHANGELOG.md")
	h := releasedHeading.FindStringSubmatch(changelog)
	if h == nil {
		t.Fatal("CHANGELOG.md has no released section (## [X.Y.Z] - YYYY-MM-DD)")
	}
	latest := [3]int{atoi(t, h[1]), atoi(t, h[2]), atoi(t, h[3])}
	latestTag := fmt.Sprintf("v%d.%d.%d", latest[0], latest[1], latest[2])
	switch {
	case !dev && latest != core:
		t.Errorf("VERSION %s is a release, and CHANGELOG.md's latest released section is %s: want [%s]", version, latestTag[1:], tag[1:])
	case dev && !less(latest, core):
		t.Errorf("VERSION %s is the development of %s, and CHANGELOG.md has released %s already", version, tag, latestTag)
	case dev && !strings.Contains(changelog, "\n## [Unreleased]\n"):
		t.Errorf("VERSION %s is a development version, and CHANGELOG.md has no Unreleased section", version)
	}
	// Its link: the release's tag, or for a release that was never tagged
	// (0.1.0) its commit; the Unreleased section compares from the same.
	link := regexp.MustCompile(`(?m)^\[` + regexp.QuoteMeta(latestTag[1:]) + `\]: https://github\.com/opsd-dev/opsd/(?:releases/tag/(v\S+)|tree/([0-9a-f]{40}))$`).FindStringSubmatch(changelog)
	switch {
	case link == nil:
		t.Errorf("CHANGELOG.md links [%s] to neither /releases/tag/%s nor /tree/COMMIT", latestTag[1:], latestTag)
	case link[1] != "" && link[1] != latestTag:
		t.Errorf("CHANGELOG.md links [%s] to the tag %s", latestTag[1:], link[1])
	case dev && !strings.Contains(changelog, "\n[Unreleased]: https://github.com/opsd-dev/opsd/compare/"+link[1]+link[2]+"...HEAD\n"):
		t.Errorf("CHANGELOG.md's Unreleased link does not compare %s...HEAD", link[1]+link[2])
	}
}

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// less orders two MAJOR.MINOR.PATCH versions.
func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
