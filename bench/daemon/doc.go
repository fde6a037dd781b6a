// Package daemon holds the whole-process benchmarks of opsd: how long the
// binary takes from start to a true /readyz, and what an idle daemon with
// every service configured costs in memory and CPU. They run the built
// binary as a child process against moto, so the figures are opsd's own.
// The package has no code outside its tests.
package daemon
