package audit

import "slices"

// registry returns every check in report order. Adding a check is one
// check_*.go file and one line here.
func registry() []Check {
	return []Check{
		// Security
		checkEncryptionAtRest(),
		checkAPIAuthorizer(),
		checkS3PublicAccess(),
		checkLambdaPublicInvoke(),
		checkLambdaVPC(),
		checkRDSPrivate(),
		checkOpenSearchPrivate(),
		checkSecurityGroupOpenPorts(),
		checkLambdaRuntime(),
		// High availability
		checkMultiAZ(),
		checkRDSReadReplica(),
		checkInstanceInGroup(),
		checkGroupAllZones(),
		checkGroupELBHealth(),
		checkLoadBalancerCrossZone(),
		// Monitoring
		checkAPICanary(),
		checkAPI5xxAlarm(),
		checkAPITracing(),
		checkLogRetention(),
		checkSNSFailureAlarm(),
		checkSNSDeliveryLogging(),
		checkDLQAlarm(),
		checkMonitoringCoverage(),
		// Reliability
		checkDynamoDBPITR(),
		checkBackupPolicyTag(),
		checkRDSAutomatedBackups(),
		checkQueueLongPolling(),
		checkCertificatesRenew(),
		checkRestoreTested(),
		// Cost
		checkDatabaseEngine(),
		checkDynamoDBGSIs(),
		// Tagging
		checkMandatoryTags(),
	}
}

// checkIDs returns the id of every check, in report order.
func checkIDs() []string {
	var ids []string
	for _, c := range registry() {
		ids = append(ids, c.ID)
	}
	return ids
}

// enabledChecks returns the checks of the registry not skipped by cfg.
func enabledChecks(cfg Config) []Check {
	var out []Check
	for _, c := range registry() {
		if !slices.Contains(cfg.SkipChecks, c.ID) {
			out = append(out, c)
		}
	}
	return out
}

// CheckInfo describes one check for people and for the JSON report.
type CheckInfo struct {
	ID             string   `json:"id"`
	Pillar         Pillar   `json:"pillar"`
	Severity       Severity `json:"severity"`
	Title          string   `json:"title"`
	ProductionOnly bool     `json:"production_only,omitempty"`
	Kinds          []Kind   `json:"kinds"`
}

// Checks describes every check opsd knows, in report order (skipped ones
// included).
func Checks() []CheckInfo {
	return infos(registry())
}

func infos(checks []Check) []CheckInfo {
	out := make([]CheckInfo, 0, len(checks))
	for _, c := range checks {
		out = append(out, CheckInfo{ID: c.ID, Pillar: c.Pillar, Severity: c.Severity, Title: c.Title, ProductionOnly: c.ProductionOnly, Kinds: c.Kinds})
	}
	return out
}
