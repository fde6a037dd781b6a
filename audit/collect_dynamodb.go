package audit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// collectDynamoDB lists tables with their encryption, point-in-time
// recovery, global secondary indexes and tags.
func collectDynamoDB(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	p := dynamodb.NewListTablesPaginator(c.DynamoDB, &dynamodb.ListTablesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list dynamodb tables: %w", err)
		}
		for _, name := range page.TableNames {
			t, err := readTable(ctx, c.DynamoDB, name)
			switch {
			case isCode(err, "ResourceNotFoundException", "TableNotFoundException"):
			case err != nil:
				e.add(err)
			default:
				inv.Tables = append(inv.Tables, t)
			}
		}
	}
	return e.err()
}

func readTable(ctx context.Context, api DynamoDBAPI, name string) (Table, error) {
	desc, err := api.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return Table{}, fmt.Errorf("describe dynamodb table %s: %w", name, err)
	}
	td := desc.Table
	if td == nil {
		return Table{}, fmt.Errorf("describe dynamodb table %s: no table in the answer", name)
	}
	t := Table{Resource: Resource{Kind: KindDynamoDB, ID: name, ARN: aws.ToString(td.TableArn), Tags: map[string]string{}}}
	if sse := td.SSEDescription; sse != nil {
		t.SSEType, t.SSEStatus = string(sse.SSEType), string(sse.Status)
	}
	for _, g := range td.GlobalSecondaryIndexes {
		t.GSIs = append(t.GSIs, aws.ToString(g.IndexName))
	}
	for _, r := range td.Replicas {
		t.Replicas = append(t.Replicas, aws.ToString(r.RegionName))
	}
	backups, err := api.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(name)})
	if err != nil {
		return Table{}, fmt.Errorf("describe continuous backups of dynamodb table %s: %w", name, err)
	}
	if d := backups.ContinuousBackupsDescription; d != nil && d.PointInTimeRecoveryDescription != nil {
		t.PITR = d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus == ddbtypes.PointInTimeRecoveryStatusEnabled
	}
	var token *string
	for {
		tags, err := api.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: td.TableArn, NextToken: token})
		if err != nil {
			return Table{}, fmt.Errorf("list tags of dynamodb table %s: %w", name, err)
		}
		for _, tag := range tags.Tags {
			t.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		if token = tags.NextToken; aws.ToString(token) == "" {
			return t, nil
		}
	}
}
