// Package scale holds opsd's organisation-scale benchmarks: the real opsd
// binary, built from ./cmd/opsd, runs as a child process against the
// simulated AWS endpoint of internal/awssim, so the peak memory and CPU
// time measured are the opsd process's own.
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 30m ./bench/scale
//
// BenchmarkShutdownAtScale runs one evening's shutdown over 500 accounts ×
// 2 regions × 200 instances; BenchmarkDLQArchiveAtScale archives 100,000
// dead-letter messages from 50 queues. Each reports its AWS calls beside
// the fewest the APIs allow (the floor) and the wall time that floor
// implies at the configured latency and concurrency. The ordinary tests
// run the same harness on a tiny estate and assert calls == floor and the
// end state, so `go test ./bench/scale` checks the harness and the floor
// arithmetic in a few seconds.
//
// The package has no code of its own outside its tests.
package scale
