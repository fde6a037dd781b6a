// Package webpage serves opsd's page for people at /: each service's last
// and next run and what it did, a search by application, account or
// resource that shows one resource's story across the services, the
// recent actions with their reasons, and a chart of the scheduled
// resources running by hour over the last week, from opsd's own records.
// It is plain server-rendered HTML with no scripts and no external
// assets, like /report.
package webpage
