package audit

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// checkMultiAZ: production resources span the configured number of
// availability zones. S3, DynamoDB, SNS and SQS are regional services
// with built-in high availability and are not judged.
func checkMultiAZ() Check {
	return Check{
		ID:             "availability.multi-az",
		Pillar:         PillarAvailability,
		Severity:       Warning,
		Title:          "Resources span the required availability zones",
		Kinds:          []Kind{KindRDSInstance, KindRDSCluster, KindOpenSearch, KindMSKCluster, KindRedshift, KindEFS, KindLambda, KindEC2Instance, KindASG},
		Uses:           []Source{SourceNetwork},
		ProductionOnly: true,
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, db := range inv.DBInstances {
				out = append(out, dbInstanceZones(r, inv, db))
			}
			for _, c := range inv.DBClusters {
				out = append(out, dbClusterZones(r, inv, c))
			}
			for _, d := range inv.SearchDomains {
				out = append(out, zoneCount(r, inv, d.Resource, d.AZs, "nodes"))
			}
			for _, k := range inv.KafkaClusters {
				out = append(out, subnetZones(r, inv, k.Resource, k.Subnets, "brokers"))
			}
			for _, w := range inv.Warehouses {
				out = append(out, r.judge(inv, w.Resource, w.MultiAZ,
					"Multi-AZ (Redshift Multi-AZ spans two AZs, the most it offers)",
					"single-AZ in "+w.AZ+": enable Multi-AZ"))
			}
			for _, fs := range inv.FileSystems {
				out = append(out, r.judge(inv, fs.Resource, fs.OneZone == "",
					"regional file system: data stored across AZs",
					"One Zone file system in "+fs.OneZone))
			}
			for _, fn := range inv.Functions {
				if fn.VPC == "" {
					out = append(out, r.pass(inv, fn.Resource, "not attached to a VPC: Lambda runs it across the region's AZs"))
					continue
				}
				out = append(out, subnetZones(r, inv, fn.Resource, fn.Subnets, "subnets"))
			}
			out = append(out, instanceZones(r, inv)...)
			for _, g := range inv.Groups {
				out = append(out, zoneList(r, inv, g.Resource, g.AZs, "instances may launch in"))
			}
			return out
		},
	}
}

// standbyZone stands for a Multi-AZ standby whose AZ AWS did not report.
const standbyZone = "(standby)"

func dbInstanceZones(r *Rules, inv *Inventory, db DBInstance) Finding {
	switch {
	case db.Cluster != "":
		return r.notApplicable(inv, db.Resource, "member of DB cluster %s, judged with the cluster", db.Cluster)
	case db.ReplicaOf != "":
		return r.notApplicable(inv, db.Resource, "read replica of %s, counted with it", db.ReplicaOf)
	}
	zones := nonEmpty(db.AZ)
	switch {
	case db.SecondaryAZ != "":
		zones = appendNew(zones, db.SecondaryAZ)
	case db.MultiAZ:
		zones = appendNew(zones, standbyZone)
	}
	for _, id := range db.Replicas {
		if rep, ok := inv.dbInstance(id); ok && rep.AZ != "" {
			zones = appendNew(zones, rep.AZ)
		}
	}
	return zoneList(r, inv, db.Resource, zones, "primary, standby and read replicas in")
}

func dbClusterZones(r *Rules, inv *Inventory, c DBCluster) Finding {
	var zones []string
	for _, m := range c.Members {
		if db, ok := inv.dbInstance(m.ID); ok && db.AZ != "" {
			zones = appendNew(zones, db.AZ)
		}
	}
	if len(c.Members) == 0 {
		return r.fail(inv, c.Resource, "has no DB instances, so it runs in one AZ at a time")
	}
	return zoneList(r, inv, c.Resource, zones, "instances in")
}

// instanceZones judges EC2 instances not launched by an Auto Scaling
// group together, per application and environment: the instances of one
// application must between them span the AZs.
func instanceZones(r *Rules, inv *Inventory) []Finding {
	type key struct{ app, env string }
	zones := map[key][]string{}
	for _, in := range inv.Instances {
		if in.Group != "" || in.AZ == "" {
			continue
		}
		k := key{r.application(in.Tags), strings.ToLower(in.Tags[r.Keys.Environment])}
		zones[k] = appendNew(zones[k], in.AZ)
	}
	var out []Finding
	for _, in := range inv.Instances {
		if in.Group != "" {
			out = append(out, r.notApplicable(inv, in.Resource, "launched by Auto Scaling group %s, judged with the group", in.Group))
			continue
		}
		k := key{r.application(in.Tags), strings.ToLower(in.Tags[r.Keys.Environment])}
		out = append(out, zoneList(r, inv, in.Resource, zones[k], "the application's instances run in"))
	}
	return out
}

// subnetZones judges a resource by the AZs of its subnets.
func subnetZones(r *Rules, inv *Inventory, res Resource, subnets []string, what string) Finding {
	zones, unknown := inv.zonesOf(subnets)
	if len(unknown) > 0 && len(zones) < r.AvailabilityZones {
		return r.unknown(inv, res, "subnet(s) %s not found", strings.Join(unknown, ", "))
	}
	return zoneList(r, inv, res, zones, what+" in")
}

// zoneList judges a resource that spans zones.
func zoneList(r *Rules, inv *Inventory, res Resource, zones []string, what string) Finding {
	zones = slices.Clone(zones)
	sort.Strings(zones)
	desc := fmt.Sprintf("%s %s", what, strings.Join(zones, ", "))
	if len(zones) == 0 {
		desc = "no availability zone reported"
	}
	if len(zones) >= r.AvailabilityZones {
		return r.pass(inv, res, "%d AZs: %s", len(zones), desc)
	}
	return r.fail(inv, res, "%d of %d AZs: %s", len(zones), r.AvailabilityZones, desc)
}

// zoneCount judges a resource that reports only how many AZs it spans.
func zoneCount(r *Rules, inv *Inventory, res Resource, n int, what string) Finding {
	if n >= r.AvailabilityZones {
		return r.pass(inv, res, "%s in %d AZs", what, n)
	}
	return r.fail(inv, res, "%s in %d of %d AZs", what, n, r.AvailabilityZones)
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
