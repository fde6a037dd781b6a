package audit

import (
	"fmt"
	"strings"
	"time"
)

// Pillar is one of the checklist's groups of checks.
type Pillar string

// The pillars, in report order.
const (
	PillarSecurity     Pillar = "security"
	PillarAvailability Pillar = "availability"
	PillarMonitoring   Pillar = "monitoring"
	PillarReliability  Pillar = "reliability"
	PillarCost         Pillar = "cost"
	PillarTagging      Pillar = "tagging"
)

// Pillars returns every pillar in report order.
func Pillars() []Pillar {
	return []Pillar{PillarSecurity, PillarAvailability, PillarMonitoring, PillarReliability, PillarCost, PillarTagging}
}

// Title is the pillar's name as people read it.
func (p Pillar) Title() string {
	switch p {
	case PillarSecurity:
		return "Security"
	case PillarAvailability:
		return "High availability"
	case PillarMonitoring:
		return "Monitoring"
	case PillarReliability:
		return "Reliability"
	case PillarCost:
		return "Cost"
	case PillarTagging:
		return "Tagging"
	}
	return string(p)
}

// Status is the outcome of one check on one resource.
type Status string

// Outcomes.
const (
	// Pass: the resource meets the check.
	Pass Status = "pass"
	// Fail: it does not; the reason says why.
	Fail Status = "fail"
	// NotApplicable: the check does not apply to it; the reason says why.
	NotApplicable Status = "not-applicable"
	// Unknown: something the check needs could not be read.
	Unknown Status = "unknown"
)

// Check is one point of the checklist: which resources it applies to and
// how it judges them. Each check lives in its own check_*.go file and is
// listed once in the registry (registry.go).
type Check struct {
	// ID is stable and unique: "<pillar>.<name>".
	ID string
	// Pillar groups the check in the report.
	Pillar Pillar
	// Severity is how much a failure of the check matters.
	Severity Severity
	// Title says what the check wants, as people read it.
	Title string
	// Kinds are the resources the check judges. When their collector
	// fails in an account and region, the check is not assessed there.
	Kinds []Kind
	// Uses are further collectors the check reads (alarms, subnets, ...).
	// When one fails, the check's verdicts there become Unknown.
	Uses []Source
	// ProductionOnly checks apply only to resources whose environment tag
	// is a production environment; elsewhere they are not applicable.
	ProductionOnly bool
	// Evaluate judges the resources of one account and region. It returns
	// one finding per resource it judges (Check, Pillar and Severity are
	// filled in by the caller).
	Evaluate func(r *Rules, inv *Inventory) []Finding
}

// Finding is the verdict of one check on one resource.
type Finding struct {
	Check       string   `json:"check"`
	Pillar      Pillar   `json:"pillar"`
	Severity    Severity `json:"severity,omitempty"`
	Status      Status   `json:"status"`
	Application string   `json:"application"`
	Environment string   `json:"environment,omitempty"`
	Account     string   `json:"account"`
	Region      string   `json:"region"`
	Kind        Kind     `json:"kind"`
	// Resource identifies the resource within its account and region.
	Resource string `json:"resource"`
	// Name is a friendlier name when Resource is an opaque id.
	Name   string `json:"name,omitempty"`
	ARN    string `json:"arn,omitempty"`
	Reason string `json:"reason"`
	// Platform is the VPC of a resource that belongs to the platform, not
	// to an application (a VPC's default security group); Application is
	// then empty.
	Platform string `json:"platform,omitempty"`
}

// Label names the resource for people: "name (id)" or the id, and "of
// vpc-1" after a platform resource.
func (f Finding) Label() string {
	l := f.Resource
	if f.Name != "" && f.Name != f.Resource {
		l = f.Name + " (" + f.Resource + ")"
	}
	if f.Platform != "" {
		l += " of " + f.Platform
	}
	return l
}

// key identifies the finding across assessments.
func (f Finding) key() string {
	return f.Check + "|" + f.Account + "|" + f.Region + "|" + string(f.Kind) + "|" + f.Resource
}

// Untagged is the application of resources without the application tag.
const Untagged = "(untagged)"

// Rules are the configuration the checks judge by.
type Rules struct {
	Keys                   TagKeys
	Environments           []string
	ProductionEnvironments []string
	ConfidentialityLevels  []string
	BackupPolicies         []string
	DocsRoutes             []string
	OpenMethods            []string
	LogRetention           RetentionRange
	AvailabilityZones      int
	MaxGSIs                int
	DatabaseEngines        []string
	CanaryInterval         time.Duration
	// RestoreTests are the backup policies' objectives and restore
	// testing plans.
	RestoreTests RestoreTestRules
	// Now is when the assessment runs: checks that depend on a date
	// (runtime deprecations) judge as of it.
	Now time.Time
}

// newRules takes the rules from cfg.
func newRules(cfg Config) *Rules {
	return &Rules{
		Keys:                   cfg.Tags,
		Environments:           cfg.Environments,
		ProductionEnvironments: cfg.ProductionEnvironments,
		ConfidentialityLevels:  cfg.ConfidentialityLevels,
		BackupPolicies:         cfg.BackupPolicies,
		DocsRoutes:             cfg.DocsRoutes,
		OpenMethods:            cfg.OpenMethods,
		LogRetention:           cfg.LogRetention,
		AvailabilityZones:      cfg.AvailabilityZones,
		MaxGSIs:                cfg.MaxGSIs,
		DatabaseEngines:        cfg.DatabaseEngines,
		CanaryInterval:         cfg.CanaryInterval,
		RestoreTests:           cfg.RestoreTests,
	}
}

// application returns the application a resource with tags belongs to.
func (r *Rules) application(tags map[string]string) string {
	if v := strings.TrimSpace(tags[r.Keys.Application]); v != "" {
		return v
	}
	return Untagged
}

// production reports whether env is a production environment.
func (r *Rules) production(env string) bool {
	return env != "" && containsFold(r.ProductionEnvironments, env)
}

// verdict returns a finding on res in inv. A platform resource belongs to
// no application, whatever its tags.
func (r *Rules) verdict(inv *Inventory, res Resource, st Status, format string, args ...any) Finding {
	f := Finding{
		Status:      st,
		Application: r.application(res.Tags),
		Environment: strings.TrimSpace(res.Tags[r.Keys.Environment]),
		Account:     inv.Account,
		Region:      inv.Region,
		Kind:        res.Kind,
		Resource:    res.ID,
		Name:        res.Name,
		ARN:         res.ARN,
		Reason:      fmt.Sprintf(format, args...),
	}
	if res.Platform != "" {
		f.Application, f.Platform = "", res.Platform
	}
	return f
}

func (r *Rules) pass(inv *Inventory, res Resource, format string, args ...any) Finding {
	return r.verdict(inv, res, Pass, format, args...)
}

func (r *Rules) fail(inv *Inventory, res Resource, format string, args ...any) Finding {
	return r.verdict(inv, res, Fail, format, args...)
}

func (r *Rules) notApplicable(inv *Inventory, res Resource, format string, args ...any) Finding {
	return r.verdict(inv, res, NotApplicable, format, args...)
}

func (r *Rules) unknown(inv *Inventory, res Resource, format string, args ...any) Finding {
	return r.verdict(inv, res, Unknown, format, args...)
}

// judge returns Pass with passReason when ok, else Fail with failReason.
func (r *Rules) judge(inv *Inventory, res Resource, ok bool, passReason, failReason string) Finding {
	if ok {
		return r.pass(inv, res, "%s", passReason)
	}
	return r.fail(inv, res, "%s", failReason)
}
