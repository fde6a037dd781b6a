// Package savings keeps the ledger of what overnight shutdown kept off,
// and prices it.
//
// The [Ledger] is fed every reconcile result of the shutdown service, as
// the page's history is: a stop opsd made opens an interval off for the
// resource, and the start that follows closes it. It is kept, bounded to
// about 13 months, in the state store under its own key, written by the
// leader only, so that every replica and every read-only command sees the
// same record.
//
// [Hours] turns the intervals into hours off per day in the daemon's
// timezone; a [Pricer] finds each resource's on-demand hourly price in the
// AWS Price List (pricing:GetProducts, served from us-east-1), cached for a
// day; a [Report] multiplies the two. What it says is on-demand compute
// only: EBS volumes, RDS storage and backups are charged while a resource
// is stopped, and a resource covered by a Reserved Instance or a Savings
// Plan may have saved less, or nothing.
package savings
