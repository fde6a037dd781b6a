package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

func TestAuditReportsAnApplicationsFailures(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	// A production table of application "orders" with three GSIs, no
	// point-in-time recovery and no BackupPolicy tag.
	db := dynamodb.NewFromConfig(srv.Config("eu-west-2"))
	gsi := func(name string) ddbtypes.GlobalSecondaryIndex {
		return ddbtypes.GlobalSecondaryIndex{IndexName: aws.String(name), KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String(name), KeyType: ddbtypes.KeyTypeHash}},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll}}
	}
	attr := func(name string) ddbtypes.AttributeDefinition {
		return ddbtypes.AttributeDefinition{AttributeName: aws.String(name), AttributeType: ddbtypes.ScalarAttributeTypeS}
	}
	_, err := db.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String("orders"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions:   []ddbtypes.AttributeDefinition{attr("id"), attr("a"), attr("b"), attr("c")},
		KeySchema:              []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{gsi("a"), gsi("b"), gsi("c")},
		Tags:                   []ddbtypes.Tag{{Key: aws.String("Application"), Value: aws.String("orders")}, {Key: aws.String("Environment"), Value: aws.String("production")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\n", srv.URL()))

	code, stdout, stderr := opsd(t, "audit", "--config", path, "--format", "json", "--application", "orders")
	if code != exitOK {
		t.Fatalf("audit exit %d\n%s", code, stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("audit --format json is not JSON: %v\n%s", err, stdout)
	}
	for _, want := range []string{"point-in-time recovery is off", "3 GSIs", "no BackupPolicy tag", "TeamEmail missing"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the report does not mention %s:\n%s", want, stdout)
		}
	}
	code, stdout, _ = opsd(t, "audit", "--config", path, "--format", "html")
	if code != exitOK || !strings.Contains(stdout, "<html") || !strings.Contains(stdout, "orders") || strings.Contains(stdout, "<script") {
		t.Errorf("audit --format html: exit %d\n%.400s", code, stdout)
	}
	if code, _, _ := opsd(t, "audit", "--config", path, "--format", "yaml"); code != exitUsage {
		t.Errorf("--format yaml: exit %d, want 2", code)
	}
}

// auditTable creates a development DynamoDB table of app with three GSIs
// (a warning: more than two) and the given extra tags.
func auditTable(t *testing.T, db *dynamodb.Client, app string, extra ...string) {
	t.Helper()
	var gsis []ddbtypes.GlobalSecondaryIndex
	attrs := []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}}
	for _, k := range []string{"a", "b", "c"} {
		attrs = append(attrs, ddbtypes.AttributeDefinition{AttributeName: aws.String(k), AttributeType: ddbtypes.ScalarAttributeTypeS})
		gsis = append(gsis, ddbtypes.GlobalSecondaryIndex{IndexName: aws.String(k), KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String(k), KeyType: ddbtypes.KeyTypeHash}},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll}})
	}
	tags := []ddbtypes.Tag{
		{Key: aws.String("Application"), Value: aws.String(app)}, {Key: aws.String("Environment"), Value: aws.String("development")},
		{Key: aws.String("TeamEmail"), Value: aws.String("team@example.org")}, {Key: aws.String("Confidentiality"), Value: aws.String("Internal")},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		tags = append(tags, ddbtypes.Tag{Key: aws.String(extra[i]), Value: aws.String(extra[i+1])})
	}
	_, err := db.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String(app + "-items"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: attrs, GlobalSecondaryIndexes: gsis, Tags: tags,
		KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAuditFailOnExitsOneAtOrAboveTheLevel(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	db := dynamodb.NewFromConfig(srv.Config("eu-west-2"))
	// calm fails one warning check (three GSIs); risky also fails a
	// critical one (no BackupPolicy tag: nothing backs it up).
	auditTable(t, db, "calm", "BackupPolicy", "Dev")
	auditTable(t, db, "risky")
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\n", srv.URL()))

	for _, tc := range []struct {
		app, failOn string
		want        int
	}{
		{"calm", "", exitOK},
		{"risky", "", exitOK},
		{"calm", "critical", exitOK},
		{"calm", "warning", exitFailure},
		{"risky", "critical", exitFailure},
		{"risky", "warning", exitFailure},
		{"", "critical", exitFailure},
	} {
		args := []string{"audit", "--config", path}
		if tc.app != "" {
			args = append(args, "--application", tc.app)
		}
		if tc.failOn != "" {
			args = append(args, "--fail-on", tc.failOn)
		}
		code, stdout, stderr := opsd(t, args...)
		if code != tc.want {
			t.Errorf("%v: exit %d, want %d\n%s", args[3:], code, tc.want, stderr)
		}
		if !strings.Contains(stdout, "Production readiness") {
			t.Errorf("%v: no report on stdout:\n%s", args[3:], stdout)
		}
		if code == exitFailure && !strings.Contains(stderr, "at or above "+tc.failOn) {
			t.Errorf("%v: stderr does not say why it failed:\n%s", args[3:], stderr)
		}
	}
}

func TestAuditFailOnRefusesAnUnknownLevel(t *testing.T) {
	code, _, stderr := opsd(t, "audit", "--fail-on", "error")
	if code != exitUsage || !strings.Contains(stderr, "--fail-on") || !strings.Contains(stderr, "critical or warning") {
		t.Errorf("--fail-on error: exit %d, want 2 naming the flag and its values\n%s", code, stderr)
	}
	code, _, stderr = opsd(t, "audit", "--help")
	if code != exitOK || !strings.Contains(stderr, "[--fail-on critical|warning]") {
		t.Errorf("audit --help: exit %d, synopsis lacks --fail-on\n%s", code, stderr)
	}
}
