// Package paging decides, from each service's reconcile results, which
// conditions are critical enough to page someone for, and tells a pager
// (PagerDuty, SNS) when such an incident opens and when it clears. Deciding
// is pure (Decide); Paging keeps the open incidents in the state store so
// that a repeat never pages twice, across restarts and replicas.
package paging
