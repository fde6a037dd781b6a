package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/smithy-go"

	"github.com/opsd-dev/opsd/accounts"
)

// collector lists one service's resources into an inventory. It fills
// only its own fields of the inventory, so collectors run at once. When
// it cannot read a resource it leaves that resource out, goes on with the
// others and returns the error: a resource is never judged on part of
// what it is.
type collector struct {
	source Source
	run    func(ctx context.Context, c Clients, inv *Inventory) error
}

// collectors returns every collector.
func collectors() []collector {
	return []collector{
		{SourceNetwork, collectNetwork},
		{SourceRDS, collectRDS},
		{SourceSNS, collectSNS},
		{SourceOpenSearch, collectOpenSearch},
		{SourceS3, collectS3},
		{SourceMSK, collectMSK},
		{SourceDynamoDB, collectDynamoDB},
		{SourceRedshift, collectRedshift},
		{SourceAPIGateway, collectAPIGateway},
		{SourceLambda, collectLambda},
		{SourceEC2, collectInstances},
		{SourceAutoScaling, collectGroups},
		{SourceCloudWatch, collectAlarms},
		{SourceSynthetics, collectCanaries},
		{SourceLogs, collectLogGroups},
		{SourceSQS, collectQueues},
		{SourceEFS, collectFileSystems},
		{SourceZones, collectZones},
		{SourceSecurityGroups, collectSecurityGroups},
		{SourceELB, collectClassicLoadBalancers},
		{SourceELBv2, collectLoadBalancers},
		{SourceACM, collectCertificates},
		{SourceRestoreTests, collectRestoreTests},
		{SourceMonitorCoverage, collectMonitorCoverage},
	}
}

// collect builds the inventory of one target, running at most
// concurrency collectors at once. Collectors that fail are in
// inv.Failed. restoreSince is from when restore jobs are listed; zero
// when restore testing is off, and they are not.
func collect(ctx context.Context, c Clients, t accounts.Target, concurrency int, restoreSince time.Time) *Inventory {
	inv := &Inventory{Account: t.Account, Region: t.Region, Failed: map[Source]error{}, RestoreTests: RestoreTests{Since: restoreSince}}
	if concurrency < 1 {
		concurrency = 1
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, concurrency)
	for _, col := range collectors() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				mu.Lock()
				inv.Failed[col.source] = fmt.Errorf("collect %s: %w", col.source, ctx.Err())
				mu.Unlock()
				return
			}
			defer func() { <-sem }()
			err := runCollector(ctx, col, c, inv)
			if err != nil {
				mu.Lock()
				inv.Failed[col.source] = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return inv
}

// runCollector runs one collector, turning a panic into its error so one
// bad response cannot take down the assessment.
func runCollector(ctx context.Context, col collector, c Clients, inv *Inventory) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("collect %s: panic: %v", col.source, r)
		}
	}()
	return col.run(ctx, c, inv)
}

// errorCode returns the AWS error code of err, or "".
func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// isCode reports whether err is an AWS error with one of codes.
func isCode(err error, codes ...string) bool {
	code := errorCode(err)
	for _, c := range codes {
		if code == c {
			return true
		}
	}
	return false
}

// errs gathers the failures of one collector.
type errs struct{ list []error }

func (e *errs) add(err error) {
	if err != nil {
		e.list = append(e.list, err)
	}
}

func (e *errs) err() error { return errors.Join(e.list...) }
