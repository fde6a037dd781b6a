// Package webpage serves opsd's page for people at /: each service's last
// and next run and what it did; a search by resource, application, team
// email or account that shows one resource's story across the services;
// the recent actions, what opsd did or tried over a period (http.history)
// with their times and reasons, filtered by service, account,
// application and status; the last runs' findings, the audit's summed up
// per application with a link to its part of /report; and a chart of the
// scheduled resources running by hour over the last week. The history
// and the chart are kept in the state store, so that a restart and every
// replica show what the leader recorded. It is plain server-rendered
// HTML with no scripts and no external assets, like /report.
package webpage
