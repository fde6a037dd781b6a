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
