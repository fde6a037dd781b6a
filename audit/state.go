package audit

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/opsd-dev/opsd/state"
)

// stateKey names the service's document in the state store: the latest
// report, so that a restarted daemon, or a replica that has just become
// the leader, says what changed since the last assessment rather than
// starting afresh, and serves it at /report meanwhile.
const stateKey = "latest-report"

// savedReport is the report as kept: gzipped JSON, since a large estate's
// report would not fit a DynamoDB item (400 KB) as it is.
type savedReport struct {
	Gzip []byte `json:"gzip"`
}

func packReport(r *Report) (savedReport, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(r); err != nil {
		return savedReport{}, fmt.Errorf("encode audit report: %w", err)
	}
	if err := zw.Close(); err != nil {
		return savedReport{}, fmt.Errorf("compress audit report: %w", err)
	}
	return savedReport{Gzip: buf.Bytes()}, nil
}

func (s savedReport) unpack() (*Report, error) {
	zr, err := gzip.NewReader(bytes.NewReader(s.Gzip))
	if err != nil {
		return nil, fmt.Errorf("read saved audit report: %w", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read saved audit report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode saved audit report: %w", err)
	}
	return &r, nil
}

// loadState reads the latest report from the state store, once, when the
// service has none yet. Called with s.mu held.
func (s *Service) loadState(ctx context.Context) {
	if s.loaded || s.latest != nil {
		return
	}
	s.loaded = true
	saved, ok := state.Load[savedReport](ctx, s.deps.State, ServiceName, stateKey)
	if !ok {
		return
	}
	r, err := saved.unpack()
	if err != nil {
		s.log.WarnContext(ctx, "saved audit report unreadable: the next summary compares with nothing", "error", err.Error())
		return
	}
	s.latest = r
}

// saveState keeps r as the latest report.
func (s *Service) saveState(ctx context.Context, r *Report) {
	if s.deps.State == nil {
		return
	}
	saved, err := packReport(r)
	if err != nil {
		s.log.WarnContext(ctx, "keep audit report", "error", err.Error())
		return
	}
	s.deps.State.Save(ctx, ServiceName, stateKey, saved)
}
