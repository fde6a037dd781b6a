package awssim

import (
	"sync"
	"time"
)

// Limit is a token bucket: Burst requests at once, refilled at Rate a
// second.
type Limit struct {
	Rate  float64
	Burst int
}

// limiter holds one bucket per account, region and service.
type limiter struct {
	limits map[string]Limit
	mu     sync.Mutex
	bucket map[bucketKey]*bucket
	now    func() time.Time
}

type bucketKey struct{ account, region, service string }

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(limits map[string]Limit) *limiter {
	return &limiter{limits: limits, bucket: map[bucketKey]*bucket{}, now: time.Now}
}

// allow takes a token from the caller's bucket, or reports that it is
// empty.
func (l *limiter) allow(account, region, service string) bool {
	lim, ok := l.limits[service]
	if !ok {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	k := bucketKey{account, region, service}
	b := l.bucket[k]
	if b == nil {
		b = &bucket{tokens: float64(lim.Burst), at: now}
		l.bucket[k] = b
	}
	b.tokens = min(float64(lim.Burst), b.tokens+now.Sub(b.at).Seconds()*lim.Rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
