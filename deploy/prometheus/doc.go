// Package prometheus holds opsd's Prometheus alert rules (opsd-rules.yaml)
// beside the Grafana dashboard in deploy/grafana. Its test parses both and
// checks that every expression in them reads only metrics opsd serves at
// /metrics, with the labels it serves them with.
package prometheus
