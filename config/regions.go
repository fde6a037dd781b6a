package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/opsd-dev/opsd/configkey"
)

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$`)

// knownRegions are the AWS regions opsd accepts; a name of the right shape
// that is not here is most likely a typo.
var knownRegions = map[string]bool{
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true,
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-1": true, "ap-south-2": true,
	"ap-southeast-1": true, "ap-southeast-2": true, "ap-southeast-3": true, "ap-southeast-4": true,
	"ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true,
	"ap-northeast-1": true, "ap-northeast-2": true, "ap-northeast-3": true,
	"ca-central-1": true, "ca-west-1": true,
	"eu-central-1": true, "eu-central-2": true, "eu-west-1": true, "eu-west-2": true, "eu-west-3": true,
	"eu-south-1": true, "eu-south-2": true, "eu-north-1": true,
	"il-central-1": true, "me-south-1": true, "me-central-1": true, "mx-central-1": true,
	"sa-east-1":     true,
	"us-gov-east-1": true, "us-gov-west-1": true,
	"cn-north-1": true, "cn-northwest-1": true,
}

// checkRegion returns why r is not a usable region, or "".
func checkRegion(r string) string {
	if !regionPattern.MatchString(r) {
		return fmt.Sprintf("%q is not an AWS region name (e.g. eu-west-2)", r)
	}
	if !knownRegions[r] {
		return fmt.Sprintf("%q is not a known AWS region%s", r, nearestRegion(r))
	}
	return ""
}

func nearestRegion(r string) string {
	names := make([]string, 0, len(knownRegions))
	for n := range knownRegions {
		names = append(names, n)
	}
	if best := configkey.Nearest(r, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// sortProblems orders problems by their text, which starts with the key
// path, so reports are stable.
func sortProblems(p []error) {
	sort.SliceStable(p, func(i, j int) bool { return strings.Compare(p[i].Error(), p[j].Error()) < 0 })
}
