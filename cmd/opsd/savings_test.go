package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/savings"
	"github.com/opsd-dev/opsd/state"
)

// savingsEstate makes, in moto, what the ledger names: an instance, a
// Multi-AZ database, a group scaled to zero with its capacity saved and a
// Fargate service scaled to zero with its count saved. It returns the
// instance's id.
func savingsEstate(t *testing.T, cfg aws.Config) string {
	t.Helper()
	ctx := context.Background()
	e := ec2.NewFromConfig(cfg)
	run, err := e.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Medium, MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	lt, err := e.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("web"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Small}})
	if err != nil {
		t.Fatal(err)
	}
	capacity := "opsd:shutdown:asg-capacity"
	if _, err := autoscaling.NewFromConfig(cfg).CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("web-asg"), MinSize: aws.Int32(0), MaxSize: aws.Int32(0), DesiredCapacity: aws.Int32(0),
		AvailabilityZones: []string{"eu-west-2a"},
		LaunchTemplate:    &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("$Default")},
		Tags:              []asgtypes.Tag{{Key: aws.String(capacity), Value: aws.String("min=2,max=4,desired=2")}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := rds.NewFromConfig(cfg).CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("orders-db"),
		DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"), MultiAZ: aws.Bool(true),
		AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("password123")}); err != nil {
		t.Fatal(err)
	}
	c := ecs.NewFromConfig(cfg)
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	td, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"), Cpu: aws.String("512"), Memory: aws.String("1024"),
		NetworkMode: ecstypes.NetworkModeAwsvpc, RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("nginx")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("dev"), ServiceName: aws.String("api"),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(0), LaunchType: ecstypes.LaunchTypeFargate,
		Tags: []ecstypes.Tag{{Key: aws.String(capacity), Value: aws.String("min=3,max=3,desired=3")}}}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(run.Instances[0].InstanceId)
}

// seedLedger writes into the state file the ledger a daemon would have
// recorded from these runs of shutdown in March 2026 (London).
func seedLedger(t *testing.T, path, account, instance string) {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/London")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	did := func(doc *savings.Doc, when, verb, kind, id, app string) {
		d := map[string]string{"kind": kind}
		if app != "" {
			d["application"] = app
		}
		savings.Record(doc, at(when), reconcile.Result{Service: "shutdown", Actions: []reconcile.Action{
			{Service: "shutdown", Account: account, Region: "eu-west-2", Resource: id, Action: verb, Status: reconcile.Done, Details: d}}})
	}
	var doc savings.Doc
	// The instance: the weekend the clocks go forward, 59 hours.
	did(&doc, "2026-03-27 19:00", "stop", "ec2", instance, "billing")
	did(&doc, "2026-03-30 07:00", "start", "ec2", instance, "billing")
	// The database: Monday to Thursday nights, 4 × 12 = 48 hours.
	for day := 2; day <= 5; day++ {
		did(&doc, fmt.Sprintf("2026-03-%02d 19:00", day), "stop", "rds-instance", "orders-db", "billing")
		did(&doc, fmt.Sprintf("2026-03-%02d 07:00", day+1), "start", "rds-instance", "orders-db", "billing")
	}
	// The group: a weekend across the month's start, March's part 31 hours.
	did(&doc, "2026-02-27 19:00", "stop", "asg", "web-asg", "web")
	did(&doc, "2026-03-02 07:00", "start", "asg", "web-asg", "web")
	// The service: stopped at 20:00 on the last day and never started, 4 hours.
	did(&doc, "2026-03-31 20:00", "stop", "ecs-service", "dev/api", "web")
	// An instance since terminated: 12 hours, not priced.
	did(&doc, "2026-03-09 19:00", "stop", "ec2", "i-0gone", "")
	did(&doc, "2026-03-10 07:00", "start", "ec2", "i-0gone", "")
	doc.At = at("2026-04-01 08:00")

	f, _, err := state.OpenFile(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Save(context.Background(), "savings", "ledger", doc); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// priceListStandIn answers GetProducts from a few products, the way the
// Price List Query API does, and sends everything else on to moto.
func priceListStandIn(t *testing.T, p *mototest.Proxy) {
	prices := map[string]string{
		"AmazonEC2|t3.medium|Linux":                  "0.0472000000",
		"AmazonEC2|t3.small|Linux":                   "0.0236000000",
		"AmazonRDS|db.t3.micro|PostgreSQL|Multi-AZ":  "0.0360000000",
		"AmazonRDS|db.t3.micro|PostgreSQL|Single-AZ": "0.0180000000",
	}
	p.Handle("AWSPriceListService.GetProducts", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/pricing/aws4_request") {
			t.Errorf("GetProducts not signed for us-east-1: %s", r.Header.Get("Authorization"))
		}
		var in struct {
			ServiceCode string
			Filters     []struct{ Field, Value string }
		}
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &in)
		f := map[string]string{}
		for _, x := range in.Filters {
			f[x.Field] = x.Value
		}
		var list []string
		add := func(usagetype, usd string) {
			b, _ := json.Marshal(map[string]any{
				"product": map[string]any{"sku": "SKU" + usd, "attributes": map[string]string{"usagetype": usagetype}},
				"terms": map[string]any{"OnDemand": map[string]any{"T": map[string]any{"priceDimensions": map[string]any{
					"D": map[string]any{"unit": "Hrs", "pricePerUnit": map[string]string{"USD": usd}}}}}},
			})
			list = append(list, string(b))
		}
		if f["regionCode"] == "eu-west-2" {
			switch in.ServiceCode {
			case "AmazonEC2":
				if f["tenancy"] == "Shared" && f["capacitystatus"] == "Used" && f["preInstalledSw"] == "NA" {
					if usd, ok := prices["AmazonEC2|"+f["instanceType"]+"|"+f["operatingSystem"]]; ok {
						add("EUW2-BoxUsage:"+f["instanceType"], usd)
					}
				}
			case "AmazonRDS":
				if usd, ok := prices["AmazonRDS|"+f["instanceType"]+"|"+f["databaseEngine"]+"|"+f["deploymentOption"]]; ok {
					add("EUW2-InstanceUsage:"+f["instanceType"], usd)
				}
			case "AmazonECS":
				add("EUW2-Fargate-vCPU-Hours:perCPU", "0.0465600000")
				add("EUW2-Fargate-GB-Hours", "0.0051100000")
				add("EUW2-SpotUsage-Fargate-vCPU-Hours:perCPU", "0.0139700000")
			}
		}
		mototest.WriteJSON(w, r, map[string]any{"FormatVersion": "aws_v1", "PriceList": list})
	})
}

func TestSavingsFromTheLedgerPricedByThePriceList(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	proxy := mototest.NewProxy(t, srv.URL())
	priceListStandIn(t, proxy)
	instance := savingsEstate(t, proxy.Config("eu-west-2"))
	statePath := filepath.Join(t.TempDir(), "state.db")
	seedLedger(t, statePath, "123456789012", instance)
	config := writeConfig(t, fmt.Sprintf("state: {path: %q}\ntimezone: Europe/London\naws: {regions: [eu-west-2], endpoint_url: %q}\n", statePath, proxy.URL()))
	bin := opsdbin.Build(t)

	code, out := runChild(t, bin, "savings", "--config", config, "--month", "2026-03", "--json")
	if code != 0 {
		t.Fatalf("savings --json exit %d:\n%s", code, out)
	}
	var rep savings.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("savings --json is not a report: %v\n%s", err, out)
	}
	// Hand-computed: hours off × the hourly price of the whole resource.
	want := map[string]struct{ hours, hourly, saved float64 }{
		instance:    {59, 0.0472, 2.7848}, // 59 h × t3.medium $0.0472
		"orders-db": {48, 0.036, 1.728},   // 48 h × db.t3.micro PostgreSQL Multi-AZ $0.036
		"web-asg":   {31, 0.0472, 1.4632}, // 31 h × 2 × t3.small $0.0236
		"dev/api":   {4, 0.08517, 0.3407}, // 4 h × 3 tasks × (0.5 × $0.04656 + 1 × $0.00511) = 0.34068, to 4 places
		"i-0gone":   {12, math.NaN(), 0},  // terminated: not priced
	}
	if len(rep.Rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rep.Rows), len(want), out)
	}
	for _, row := range rep.Rows {
		w, ok := want[row.Resource]
		if !ok {
			t.Errorf("unexpected row %+v", row)
			continue
		}
		if row.HoursOff != w.hours || row.SavedUSD != w.saved {
			t.Errorf("%s: %v hours, $%v saved; want %v, $%v", row.Resource, row.HoursOff, row.SavedUSD, w.hours, w.saved)
		}
		switch {
		case math.IsNaN(w.hourly):
			if row.HourlyUSD != nil || !strings.Contains(row.Note, "no longer found") {
				t.Errorf("%s: priced %v, note %q; want not priced, no longer found", row.Resource, row.HourlyUSD, row.Note)
			}
		case row.HourlyUSD == nil || *row.HourlyUSD != w.hourly:
			t.Errorf("%s: hourly %v (%s %s), want %v", row.Resource, row.HourlyUSD, row.Basis, row.Note, w.hourly)
		}
	}
	if rep.Totals.HoursOff != 154 || rep.Totals.SavedUSD != 6.3167 || rep.Totals.Resources != 5 || rep.Totals.Unpriced != 1 {
		t.Errorf("totals %+v, want 154 h, $6.3167 (2.7848 + 1.728 + 1.4632 + 0.3407), 5 resources, 1 not priced", rep.Totals)
	}
	if rep.Month != "2026-03" || len(rep.Notes) == 0 {
		t.Errorf("month %q, notes %v", rep.Month, rep.Notes)
	}

	code, out = runChild(t, bin, "savings", "--config", config, "--month", "2026-03")
	if code != 0 {
		t.Fatalf("savings exit %d:\n%s", code, out)
	}
	for _, s := range []string{"Total: 154.00 hours off, $6.32 saved, 5 resources (1 not priced", "$0.0472", "$2.78", "2 × t3.small Linux at $0.0236",
		"On-demand compute only: EBS volumes, RDS storage and backups are still charged", "Reserved Instance or a Savings Plan"} {
		if !strings.Contains(out, s) {
			t.Errorf("text lacks %q:\n%s", s, out)
		}
	}

	code, out = runChild(t, bin, "savings", "--config", config, "--month", "2026-03", "--by", "application", "--json")
	if code != 0 {
		t.Fatalf("savings --by application exit %d:\n%s", code, out)
	}
	rep = savings.Report{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	groups := map[string][2]float64{}
	for _, g := range rep.Rows {
		groups[g.Group] = [2]float64{g.HoursOff, g.SavedUSD}
	}
	// billing: 59 + 48 h, 2.7848 + 1.728; web: 31 + 4 h, 1.4632 + 0.3407.
	wantGroups := map[string][2]float64{"billing": {107, 4.5128}, "web": {35, 1.8039}, "(none)": {12, 0}}
	if fmt.Sprint(groups) != fmt.Sprint(wantGroups) {
		t.Errorf("by application %v, want %v", groups, wantGroups)
	}

	for _, args := range [][]string{{"--by", "colour"}, {"--month", "March"}, {}} {
		a := append([]string{"savings", "--config", config}, args...)
		if len(args) == 0 {
			a = []string{"savings"}
		}
		if code, out := runChild(t, bin, a...); code != exitUsage {
			t.Errorf("opsd %v: exit %d, want 2\n%s", a, code, out)
		}
	}
}
