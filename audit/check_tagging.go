package audit

import (
	"net/mail"
	"strings"
)

// checkMandatoryTags: every application resource carries the mandatory
// tags with allowed values. (The backup policy tag of data stores is the
// reliability pillar's check.) A VPC's default security group belongs to
// the VPC, not to an application: its tags are not judged.
func checkMandatoryTags() Check {
	return Check{
		ID:       "tagging.mandatory-tags",
		Pillar:   PillarTagging,
		Severity: Warning,
		Title:    "Mandatory tags are present with allowed values",
		Kinds:    taggedKinds(),
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, res := range inv.tagged() {
				out = append(out, mandatoryTags(r, inv, res))
			}
			for _, sg := range inv.SecurityGroups {
				if sg.Platform != "" {
					out = append(out, r.notApplicable(inv, sg.Resource, "default security group of %s: it belongs to the VPC, not to an application", sg.Platform))
				}
			}
			return out
		},
	}
}

// taggedKinds are the kinds whose tags are judged: every application
// resource (not log groups, alarms or canaries).
func taggedKinds() []Kind {
	return []Kind{KindRDSInstance, KindRDSCluster, KindSNSTopic, KindOpenSearch, KindS3Bucket, KindMSKCluster, KindDynamoDB,
		KindRedshift, KindRestAPI, KindLambda, KindSQSQueue, KindEFS, KindEC2Instance, KindASG,
		KindClassicELB, KindLoadBalancer, KindSecurityGroup}
}

// tagged returns the resources of the tagged kinds, in kind order, but
// the platform's (the VPCs' default security groups).
func (inv *Inventory) tagged() []Resource {
	var out []Resource
	add := func(r Resource) {
		if r.Platform == "" {
			out = append(out, r)
		}
	}
	for _, x := range inv.DBInstances {
		add(x.Resource)
	}
	for _, x := range inv.DBClusters {
		add(x.Resource)
	}
	for _, x := range inv.Topics {
		add(x.Resource)
	}
	for _, x := range inv.SearchDomains {
		add(x.Resource)
	}
	for _, x := range inv.Buckets {
		add(x.Resource)
	}
	for _, x := range inv.KafkaClusters {
		add(x.Resource)
	}
	for _, x := range inv.Tables {
		add(x.Resource)
	}
	for _, x := range inv.Warehouses {
		add(x.Resource)
	}
	for _, x := range inv.APIs {
		add(x.Resource)
	}
	for _, x := range inv.Functions {
		add(x.Resource)
	}
	for _, x := range inv.Queues {
		add(x.Resource)
	}
	for _, x := range inv.FileSystems {
		add(x.Resource)
	}
	for _, x := range inv.Instances {
		add(x.Resource)
	}
	for _, x := range inv.Groups {
		add(x.Resource)
	}
	for _, x := range inv.LoadBalancers {
		add(x.Resource)
	}
	for _, x := range inv.SecurityGroups {
		add(x.Resource)
	}
	return out
}

func mandatoryTags(r *Rules, inv *Inventory, res Resource) Finding {
	k := r.Keys
	var problems []string
	value := func(key string) (string, bool) {
		v, ok := res.Tags[key]
		v = strings.TrimSpace(v)
		if !ok || v == "" {
			problems = append(problems, key+" missing")
			return "", false
		}
		return v, true
	}
	value(k.Application)
	if v, ok := value(k.Environment); ok && !containsFold(r.Environments, v) {
		problems = append(problems, k.Environment+"="+v+" is not one of "+strings.Join(r.Environments, ", "))
	}
	if v, ok := value(k.TeamEmail); ok && !emailAddress(v) {
		problems = append(problems, k.TeamEmail+"="+v+" is not an email address")
	}
	if v, ok := value(k.Confidentiality); ok && !containsFold(r.ConfidentialityLevels, v) {
		problems = append(problems, k.Confidentiality+"="+v+" is not one of "+strings.Join(r.ConfidentialityLevels, ", "))
	}
	if len(problems) > 0 {
		return r.fail(inv, res, "%s", strings.Join(problems, "; "))
	}
	return r.pass(inv, res, "%s, %s, %s and %s present and valid", k.Application, k.Environment, k.TeamEmail, k.Confidentiality)
}

// emailAddress reports whether s is one bare email address with a domain.
func emailAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	_, domain, ok := strings.Cut(a.Address, "@")
	return ok && strings.Contains(domain, ".")
}
