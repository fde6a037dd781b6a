package audit

import (
	"strings"

	"github.com/opsd-dev/opsd/notify"
)

// checkDynamoDBPITR: production DynamoDB tables have point-in-time
// recovery on.
func checkDynamoDBPITR() Check {
	return Check{
		ID:             "reliability.dynamodb-pitr",
		Pillar:         PillarReliability,
		Severity:       Critical,
		Title:          "DynamoDB point-in-time recovery is on",
		Kinds:          []Kind{KindDynamoDB},
		ProductionOnly: true,
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, t := range inv.Tables {
				out = append(out, r.judge(inv, t.Resource, t.PITR, "point-in-time recovery on", "point-in-time recovery is off"))
			}
			return out
		},
	}
}

// checkDynamoDBGSIs: DynamoDB tables have at most the configured number
// of global secondary indexes.
func checkDynamoDBGSIs() Check {
	return Check{
		ID:       "cost.dynamodb-gsi-limit",
		Pillar:   PillarCost,
		Severity: Warning,
		Title:    "DynamoDB tables have at most 2 GSIs",
		Kinds:    []Kind{KindDynamoDB},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, t := range inv.Tables {
				n := len(t.GSIs)
				if n <= r.MaxGSIs {
					out = append(out, r.pass(inv, t.Resource, "%s", notify.Count(n, "GSI", "GSIs")))
					continue
				}
				out = append(out, r.fail(inv, t.Resource, "%d GSIs (%s), more than %d: consider a search endpoint backed by OpenSearch",
					n, strings.Join(t.GSIs, ", "), r.MaxGSIs))
			}
			return out
		},
	}
}
