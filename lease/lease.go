// Package lease elects one leader among opsd replicas through a lease held
// in a DynamoDB table. Every replica runs a [Lease]; the one that holds it
// runs jobs, the others stay ready and take over when the holder stops
// renewing.
//
// The lease is one item, keyed by the lease's name, holding the holder's
// id, a fencing token and an expiry time. It is taken with a conditional
// put that succeeds only when the item is absent or expired and still
// carries the token the taker read, so two replicas can never both take
// it; each take increments the token. It is renewed with a conditional
// update that succeeds only while the item still names this holder and
// token.
//
// A holder counts itself leader only until TTL minus a safety margin after
// the start of its last successful take or renewal, and another replica
// takes the lease only after the full TTL has passed by its own clock: the
// margin absorbs clock skew between replicas and the time a call takes.
// [Lease.Fence] is what mutating AWS calls check before they are sent, so
// a replica that lost the lease mid-run stops changing anything at once.
package lease

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ErrNotLeader is returned by [Lease.Fence] when this replica does not hold
// the lease.
var ErrNotLeader = errors.New("this replica does not hold the leader lease")

// Options configure a Lease.
type Options struct {
	// Client reaches the lease table.
	Client DynamoDBAPI
	// Table is the lease table's name.
	Table string
	// Name is the lease's key: replicas with the same name elect one
	// leader among them.
	Name string
	// Holder identifies this replica (host name and process id, say).
	Holder string
	// TTL is how long a take or renewal is good for.
	TTL time.Duration
	// RenewEvery is how often the holder renews and a follower tries to
	// take the lease; default TTL/3.
	RenewEvery time.Duration
	// Margin is how long before the TTL ends the holder stops counting
	// itself leader; default TTL/4.
	Margin time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger is told of every change of role.
	Logger *slog.Logger
	// OnLead, when set, is called (in its own goroutine) each time this
	// replica takes the lease.
	OnLead func()
}

// Lease is one replica's view of the leader lease.
type Lease struct {
	opts Options

	mu      sync.Mutex
	held    bool
	token   int64
	validTo time.Time
	lastErr error
}

// New returns a Lease that does not hold the lease yet; [Lease.Run] takes
// and keeps it.
func New(opts Options) (*Lease, error) {
	switch {
	case opts.Client == nil:
		return nil, errors.New("create lease: no DynamoDB client")
	case opts.Table == "" || opts.Name == "" || opts.Holder == "":
		return nil, fmt.Errorf("create lease: table %q, name %q and holder %q must all be set", opts.Table, opts.Name, opts.Holder)
	case opts.TTL <= 0:
		return nil, fmt.Errorf("create lease: ttl must be positive, got %s", opts.TTL)
	}
	if opts.RenewEvery <= 0 {
		opts.RenewEvery = opts.TTL / 3
	}
	if opts.Margin <= 0 {
		opts.Margin = opts.TTL / 4
	}
	if opts.RenewEvery >= opts.TTL-opts.Margin {
		return nil, fmt.Errorf("create lease: renew interval %s must be shorter than ttl %s minus margin %s", opts.RenewEvery, opts.TTL, opts.Margin)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Lease{opts: opts}, nil
}

// Leading reports whether this replica holds the lease now, and its
// fencing token.
func (l *Lease) Leading() (token int64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held && l.opts.Now().Before(l.validTo) {
		return l.token, true
	}
	return 0, false
}

// Role is "leader" or "follower".
func (l *Lease) Role() string {
	if _, ok := l.Leading(); ok {
		return "leader"
	}
	return "follower"
}

// Fence returns nil while this replica holds the lease and an error
// wrapping ErrNotLeader otherwise. Mutating AWS calls check it first.
func (l *Lease) Fence() error {
	if _, ok := l.Leading(); ok {
		return nil
	}
	return fmt.Errorf("lease %s in table %s: %w", l.opts.Name, l.opts.Table, ErrNotLeader)
}

// Status describes the lease for /status: role, holder id, token and, on
// the leader, until when it counts itself leader.
func (l *Lease) Status() map[string]any {
	token, ok := l.Leading()
	doc := map[string]any{"role": l.Role(), "holder": l.opts.Holder, "lease": l.opts.Name, "table": l.opts.Table}
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok {
		doc["token"] = token
		doc["valid_until"] = l.validTo
	}
	if l.lastErr != nil {
		doc["last_error"] = l.lastErr.Error()
	}
	return doc
}

// Run takes the lease when it is free and keeps renewing it while held,
// until ctx ends; then it gives the lease up so a follower takes over at
// once rather than after the TTL.
func (l *Lease) Run(ctx context.Context) {
	t := time.NewTicker(l.opts.RenewEvery)
	defer t.Stop()
	for {
		l.Step(ctx)
		select {
		case <-ctx.Done():
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			l.Release(rctx)
			cancel()
			return
		case <-t.C:
		}
	}
}

// Step renews the lease when held, or tries to take it when not.
func (l *Lease) Step(ctx context.Context) {
	l.mu.Lock()
	held, token := l.held, l.token
	l.mu.Unlock()
	var err error
	if held {
		err = l.renew(ctx, token)
	} else {
		err = l.take(ctx)
	}
	l.mu.Lock()
	l.lastErr = err
	l.mu.Unlock()
	if err != nil {
		l.opts.Logger.Warn("leader lease", "lease", l.opts.Name, "holder", l.opts.Holder, "error", err.Error())
	}
}

// take takes the lease when it is absent, expired, or (after a restart
// with the same holder id) already ours.
func (l *Lease) take(ctx context.Context) error {
	out, err := l.opts.Client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(l.opts.Table),
		Key:            map[string]types.AttributeValue{keyAttribute: &types.AttributeValueMemberS{Value: l.opts.Name}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("read lease %s: %w", l.opts.Name, err)
	}
	start := l.opts.Now()
	cur, exists, err := decode(out.Item)
	if err != nil {
		return fmt.Errorf("read lease %s: %w", l.opts.Name, err)
	}
	if exists && cur.holder != l.opts.Holder && start.UnixMilli() <= cur.expires {
		return nil // held by another replica
	}
	next := record{holder: l.opts.Holder, token: cur.token + 1, expires: start.Add(l.opts.TTL).UnixMilli()}
	in := &dynamodb.PutItemInput{TableName: aws.String(l.opts.Table), Item: next.encode(l.opts.Name)}
	if exists {
		in.ConditionExpression = aws.String("#token = :token AND (#expires < :now OR #holder = :me)")
		in.ExpressionAttributeNames = map[string]string{"#token": "token", "#expires": "expires_ms", "#holder": "holder"}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{
			":token": number(cur.token), ":now": number(start.UnixMilli()), ":me": &types.AttributeValueMemberS{Value: l.opts.Holder},
		}
	} else {
		in.ConditionExpression = aws.String("attribute_not_exists(#name)")
		in.ExpressionAttributeNames = map[string]string{"#name": keyAttribute}
	}
	if _, err := l.opts.Client.PutItem(ctx, in); err != nil {
		var lost *types.ConditionalCheckFailedException
		if errors.As(err, &lost) {
			return nil // another replica took it first
		}
		return fmt.Errorf("take lease %s: %w", l.opts.Name, err)
	}
	l.mu.Lock()
	l.held, l.token, l.validTo = true, next.token, start.Add(l.opts.TTL-l.opts.Margin)
	l.mu.Unlock()
	l.opts.Logger.Info("leader lease taken: this replica runs jobs", "lease", l.opts.Name, "holder", l.opts.Holder, "token", next.token)
	if l.opts.OnLead != nil {
		go l.opts.OnLead()
	}
	return nil
}

// renew extends the lease while it still names this holder and token.
func (l *Lease) renew(ctx context.Context, token int64) error {
	start := l.opts.Now()
	_, err := l.opts.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(l.opts.Table),
		Key:                      map[string]types.AttributeValue{keyAttribute: &types.AttributeValueMemberS{Value: l.opts.Name}},
		UpdateExpression:         aws.String("SET #expires = :expires"),
		ConditionExpression:      aws.String("#holder = :me AND #token = :token"),
		ExpressionAttributeNames: map[string]string{"#expires": "expires_ms", "#holder": "holder", "#token": "token"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":expires": number(start.Add(l.opts.TTL).UnixMilli()), ":me": &types.AttributeValueMemberS{Value: l.opts.Holder}, ":token": number(token),
		},
	})
	var lost *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &lost):
		l.mu.Lock()
		l.held = false
		l.mu.Unlock()
		l.opts.Logger.Warn("leader lease lost: this replica stops running jobs", "lease", l.opts.Name, "holder", l.opts.Holder, "token", token)
		return nil
	case err != nil:
		// Still leader until validTo passes; the next renewal may succeed.
		return fmt.Errorf("renew lease %s: %w", l.opts.Name, err)
	}
	l.mu.Lock()
	if l.held && l.token == token {
		l.validTo = start.Add(l.opts.TTL - l.opts.Margin)
	}
	l.mu.Unlock()
	return nil
}

// Release gives the lease up, when held, by expiring it, so a follower
// takes it at its next try.
func (l *Lease) Release(ctx context.Context) {
	l.mu.Lock()
	held, token := l.held, l.token
	l.held = false
	l.mu.Unlock()
	if !held {
		return
	}
	_, err := l.opts.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(l.opts.Table),
		Key:                      map[string]types.AttributeValue{keyAttribute: &types.AttributeValueMemberS{Value: l.opts.Name}},
		UpdateExpression:         aws.String("SET #expires = :zero"),
		ConditionExpression:      aws.String("#holder = :me AND #token = :token"),
		ExpressionAttributeNames: map[string]string{"#expires": "expires_ms", "#holder": "holder", "#token": "token"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero": number(0), ":me": &types.AttributeValueMemberS{Value: l.opts.Holder}, ":token": number(token),
		},
	})
	if err != nil {
		l.opts.Logger.Warn("leader lease not released; followers take over when it expires", "lease", l.opts.Name, "error", err.Error())
		return
	}
	l.opts.Logger.Info("leader lease released", "lease", l.opts.Name, "holder", l.opts.Holder)
}

// record is the lease item's content.
type record struct {
	holder  string
	token   int64
	expires int64 // Unix milliseconds
}

func (r record) encode(name string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		keyAttribute: &types.AttributeValueMemberS{Value: name},
		"holder":     &types.AttributeValueMemberS{Value: r.holder},
		"token":      number(r.token),
		"expires_ms": number(r.expires),
	}
}

func decode(item map[string]types.AttributeValue) (record, bool, error) {
	if len(item) == 0 {
		return record{}, false, nil
	}
	var r record
	if h, ok := item["holder"].(*types.AttributeValueMemberS); ok {
		r.holder = h.Value
	}
	var err error
	if r.token, err = readNumber(item, "token"); err != nil {
		return record{}, true, err
	}
	if r.expires, err = readNumber(item, "expires_ms"); err != nil {
		return record{}, true, err
	}
	return r, true, nil
}

func readNumber(item map[string]types.AttributeValue, key string) (int64, error) {
	n, ok := item[key].(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("lease item has no number %s", key)
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("lease item's %s %q is not an integer: %w", key, n.Value, err)
	}
	return v, nil
}

func number(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}
