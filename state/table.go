package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDBAPI is the part of DynamoDB a Table calls.
type DynamoDBAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

var _ DynamoDBAPI = (*dynamodb.Client)(nil)

// Item attributes. The key attribute is the lease table's, "name"; state
// items are named "state/<kind>/<key>" beside the lease item.
const (
	keyAttribute = "name"
	docAttribute = "doc"
	tokenAttr    = "token"
	updatedAttr  = "updated_ms"
	itemPrefix   = "state/"
	// maxDoc keeps a document well inside DynamoDB's 400 KB item limit.
	maxDoc = 350 << 10
)

// Table is a Store in a DynamoDB table: the leader lease's table when ha
// is on, so every replica reads what the leader wrote.
type Table struct {
	client DynamoDBAPI
	table  string
	// token is the writer's fencing token and whether it may write (it
	// leads); nil means no leader election: every write carries token 0.
	token func() (int64, bool)
	now   func() time.Time
}

// NewTable returns a store in table. token, when set, is the leader
// lease's fencing token: a write is refused unless this replica leads,
// and DynamoDB refuses it when the item was written under a newer token.
func NewTable(client DynamoDBAPI, table string, token func() (int64, bool)) *Table {
	return &Table{client: client, table: table, token: token, now: time.Now}
}

func (t *Table) name(kind, key string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{keyAttribute: &types.AttributeValueMemberS{Value: itemPrefix + kind + "/" + key}}
}

// Load reads kind/key into v with a strongly consistent read, so a new
// leader sees what the old one wrote last.
func (t *Table) Load(ctx context.Context, kind, key string, v any) (bool, error) {
	out, err := t.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(t.table), Key: t.name(kind, key), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, fmt.Errorf("read state %s/%s from table %s: %w", kind, key, t.table, err)
	}
	doc, ok := out.Item[docAttribute].(*types.AttributeValueMemberS)
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal([]byte(doc.Value), v); err != nil {
		return false, fmt.Errorf("read state %s/%s from table %s: %w", kind, key, t.table, err)
	}
	return true, nil
}

// Save writes v as kind/key under this replica's fencing token.
func (t *Table) Save(ctx context.Context, kind, key string, v any) error {
	var token int64
	if t.token != nil {
		var leads bool
		if token, leads = t.token(); !leads {
			return fmt.Errorf("write state %s/%s: %w", kind, key, ErrFenced)
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("write state %s/%s: %w", kind, key, err)
	}
	if len(raw) > maxDoc {
		return fmt.Errorf("write state %s/%s: %d bytes is more than a DynamoDB item holds (%d)", kind, key, len(raw), maxDoc)
	}
	item := t.name(kind, key)
	item[docAttribute] = &types.AttributeValueMemberS{Value: string(raw)}
	item[tokenAttr] = &types.AttributeValueMemberN{Value: strconv.FormatInt(token, 10)}
	item[updatedAttr] = &types.AttributeValueMemberN{Value: strconv.FormatInt(t.now().UnixMilli(), 10)}
	_, err = t.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 aws.String(t.table),
		Item:                      item,
		ConditionExpression:       aws.String("attribute_not_exists(#token) OR #token <= :token"),
		ExpressionAttributeNames:  map[string]string{"#token": tokenAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":token": &types.AttributeValueMemberN{Value: strconv.FormatInt(token, 10)}},
	})
	var stale *types.ConditionalCheckFailedException
	if errors.As(err, &stale) {
		return fmt.Errorf("write state %s/%s with token %d: %w", kind, key, token, ErrFenced)
	}
	if err != nil {
		return fmt.Errorf("write state %s/%s to table %s: %w", kind, key, t.table, err)
	}
	return nil
}

// Where names the table.
func (t *Table) Where() string { return "DynamoDB table " + t.table }

// Close does nothing.
func (t *Table) Close() error { return nil }
