// Package faults is test support: an HTTP reverse proxy on loopback in
// front of an AWS emulator (moto) that injects the failures real AWS
// produces — throttling bursts, 5xx answers, slow answers, connection
// resets before and after the call reached the emulator, an account whose
// AssumeRole is refused, a region whose calls hang, and whole outages —
// and records what reached the emulator, so tests can prove that every
// action opsd schedules is applied exactly once however the calls fail.
//
// Rules match calls by operation, service, account and region. The
// operation is read the way the SDK sends it (X-Amz-Target, the query
// Action, or REST method and path); the region and the access key come
// from the SigV4 credential scope; the account is that of the base
// credentials, or, for keys an AssumeRole through the proxy returned, the
// account of the role assumed.
package faults
