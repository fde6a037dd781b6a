// Package state keeps what opsd must remember between runs, restarts and
// replicas, so that a restart, a redeploy or a failover repeats no alert:
// which findings were already told, DLQ burst and reminder state, backup
// jobs already reported. Tags on the resources stay the record of what
// opsd did; the state is only what it said.
//
// A [Store] holds small JSON documents named by a kind (the service) and a
// key. Two stores exist: [File], a bbolt database on local disk (the
// default, /var/lib/opsd/state.db), and [Table], items in the DynamoDB
// table the leader lease lives in, shared by every replica. A Table write
// carries the writer's fencing token, and DynamoDB refuses it once a
// replica holding a newer lease has written, as AWS refuses a deposed
// leader's calls.
//
// State is a convenience, never a condition: [Tolerant] wraps a store so
// that a corrupt file, a missing or throttled table makes opsd say once
// that it may repeat itself and carry on with what it remembers in memory.
package state
