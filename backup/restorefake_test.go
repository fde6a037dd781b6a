package backup

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// restoreFake answers, through the proxy, the AWS Backup restore testing
// operations moto 5.2 lacks, in AWS Backup's REST-JSON protocol: plans,
// selections, ListTags of a plan's ARN, ListRestoreJobs (from jobs a test
// puts in, with the creation, completion and recovery point times it
// chooses) and PutRestoreValidationResult. Other ListTags go on to the
// backup fake.
type restoreFake struct {
	mu         sync.Mutex
	account    string
	region     string
	plans      map[string]map[string]any            // name → RestoreTestingPlanForGet
	tags       map[string]map[string]string         // plan ARN → tags
	selections map[string]map[string]map[string]any // plan → name → RestoreTestingSelectionForGet
	jobs       []map[string]any
	validated  map[string]string // job id → status put
}

func newRestoreFake(p *mototest.Proxy, backupTags http.HandlerFunc, account, region string) *restoreFake {
	f := &restoreFake{account: account, region: region, plans: map[string]map[string]any{}, tags: map[string]map[string]string{},
		selections: map[string]map[string]map[string]any{}, validated: map[string]string{}}
	for _, sfx := range []string{"", "/"} {
		p.Handle("PUT /restore-testing/plans"+sfx, f.createPlan)
		p.Handle("GET /restore-testing/plans"+sfx, f.listPlans)
		p.Handle("GET /restore-testing/plans/{name}"+sfx, f.getPlan)
		p.Handle("PUT /restore-testing/plans/{name}"+sfx, f.updatePlan)
		p.Handle("PUT /restore-testing/plans/{name}/selections"+sfx, f.createSelection)
		p.Handle("GET /restore-testing/plans/{name}/selections"+sfx, f.listSelections)
		p.Handle("GET /restore-testing/plans/{name}/selections/{sel}"+sfx, f.getSelection)
		p.Handle("PUT /restore-testing/plans/{name}/selections/{sel}"+sfx, f.updateSelection)
		p.Handle("GET /restore-jobs"+sfx, f.listJobs)
		p.Handle("PUT /restore-jobs/{id}/validations"+sfx, f.putValidation)
	}
	p.Handle("GET /tags/{arn+}", func(w http.ResponseWriter, r *http.Request) {
		arn := r.PathValue("arn")
		f.mu.Lock()
		tags, ok := f.tags[strings.TrimSuffix(arn, "/")]
		f.mu.Unlock()
		if !ok {
			backupTags(w, r)
			return
		}
		mototest.WriteJSON(w, r, map[string]any{"Tags": tags})
	})
	return f
}

func (f *restoreFake) planARN(name string) string {
	return fmt.Sprintf("arn:aws:backup:%s:%s:restore-testing-plan:%s-fake", f.region, f.account, name)
}

// addPlan puts a plan in as someone else would: with tags (nil: none).
func (f *restoreFake) addPlan(name string, tags map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plans[name] = map[string]any{"RestoreTestingPlanName": name, "RestoreTestingPlanArn": f.planARN(name), "ScheduleExpression": "cron(0 1 * * ? *)",
		"CreationTime": mototest.Epoch(time.Now()), "RecoveryPointSelection": map[string]any{"Algorithm": "RANDOM_WITHIN_WINDOW", "IncludeVaults": []any{"*"}, "RecoveryPointTypes": []any{"SNAPSHOT"}}}
	if tags == nil {
		tags = map[string]string{}
	}
	f.tags[f.planARN(name)] = tags
}

// setPlan changes a field of a plan, as drift.
func (f *restoreFake) setPlan(name, field string, v any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plans[name][field] = v
}

func (f *restoreFake) plan(name string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.plans[name]
}

func (f *restoreFake) selectionNames(plan string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for n := range f.selections[plan] {
		out = append(out, n)
	}
	return out
}

// addJob puts in a restore job of plan: created at created, completed
// took later, of a recovery point rpAge old.
func (f *restoreFake) addJob(id, plan, resourceType, source, restored string, created time.Time, took, rpAge time.Duration, deletion string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j := map[string]any{"RestoreJobId": id, "AccountId": f.account, "ResourceType": resourceType, "SourceResourceArn": source,
		"CreatedResourceArn": restored, "Status": "COMPLETED", "CreationDate": mototest.Epoch(created),
		"CompletionDate": mototest.Epoch(created.Add(took)), "RecoveryPointCreationDate": mototest.Epoch(created.Add(-rpAge)),
		"CreatedBy": map[string]any{"RestoreTestingPlanArn": f.planARN(plan)}}
	if deletion != "" {
		j["DeletionStatus"] = deletion
	}
	f.jobs = append(f.jobs, j)
}

func (f *restoreFake) validation(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.validated[id]
}

func (f *restoreFake) createPlan(w http.ResponseWriter, r *http.Request) {
	in, err := readJSON(r)
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	spec, _ := in["RestoreTestingPlan"].(map[string]any)
	name, _ := spec["RestoreTestingPlanName"].(string)
	if name == "" || strings.ContainsAny(name, "-. ") || spec["ScheduleExpression"] == nil || spec["RecoveryPointSelection"] == nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", "a restore testing plan needs a name of letters, digits and _, a ScheduleExpression and a RecoveryPointSelection")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, dup := f.plans[name]; dup {
		mototest.WriteError(w, r, http.StatusConflict, "AlreadyExistsException", "restore testing plan "+name+" exists")
		return
	}
	spec["RestoreTestingPlanArn"], spec["CreationTime"] = f.planARN(name), mototest.Epoch(time.Now())
	f.plans[name] = spec
	tags := map[string]string{}
	if t, ok := in["Tags"].(map[string]any); ok {
		for k, v := range t {
			tags[k], _ = v.(string)
		}
	}
	f.tags[f.planARN(name)] = tags
	mototest.WriteJSON(w, r, map[string]any{"RestoreTestingPlanName": name, "RestoreTestingPlanArn": f.planARN(name), "CreationTime": spec["CreationTime"]})
}

func (f *restoreFake) listPlans(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := []any{}
	for _, p := range f.plans {
		list = append(list, map[string]any{"RestoreTestingPlanName": p["RestoreTestingPlanName"], "RestoreTestingPlanArn": p["RestoreTestingPlanArn"],
			"ScheduleExpression": p["ScheduleExpression"], "CreationTime": p["CreationTime"]})
	}
	mototest.WriteJSON(w, r, map[string]any{"RestoreTestingPlans": list})
}

func (f *restoreFake) getPlan(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.plans[r.PathValue("name")]
	if !ok {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no restore testing plan "+r.PathValue("name"))
		return
	}
	mototest.WriteJSON(w, r, map[string]any{"RestoreTestingPlan": p})
}

func (f *restoreFake) updatePlan(w http.ResponseWriter, r *http.Request) {
	in, err := readJSON(r)
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	name := r.PathValue("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.plans[name]
	if !ok {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no restore testing plan "+name)
		return
	}
	spec, _ := in["RestoreTestingPlan"].(map[string]any)
	for k, v := range spec {
		p[k] = v
	}
	mototest.WriteJSON(w, r, map[string]any{"RestoreTestingPlanName": name, "RestoreTestingPlanArn": p["RestoreTestingPlanArn"],
		"CreationTime": p["CreationTime"], "UpdateTime": mototest.Epoch(time.Now())})
}

func (f *restoreFake) createSelection(w http.ResponseWriter, r *http.Request) {
	in, err := readJSON(r)
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	plan := r.PathValue("name")
	spec, _ := in["RestoreTestingSelection"].(map[string]any)
	name, _ := spec["RestoreTestingSelectionName"].(string)
	if name == "" || spec["IamRoleArn"] == nil || spec["ProtectedResourceType"] == nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", "a selection needs a name, a role and a resource type")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.plans[plan]; !ok {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no restore testing plan "+plan)
		return
	}
	if f.selections[plan] == nil {
		f.selections[plan] = map[string]map[string]any{}
	}
	spec["RestoreTestingPlanName"], spec["CreationTime"] = plan, mototest.Epoch(time.Now())
	f.selections[plan][name] = spec
	mototest.WriteJSON(w, r, map[string]any{"RestoreTestingPlanName": plan, "RestoreTestingPlanArn": f.planARN(plan),
		"RestoreTestingSelectionName": name, "CreationTime": spec["CreationTime"]})
}

func (f *restoreFake) listSelections(w http.ResponseWriter, r *http.Request) {
	plan := r.PathValue("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	list := []any{}
	for _, s := range f.selections[plan] {
		list = append(list, map[string]any{"RestoreTestingPlanName": plan, "RestoreTestingSelectionName": s["RestoreTestingSelectionName"],
			"ProtectedResourceType": s["ProtectedResourceType"], "IamRoleArn": s["IamRoleArn"], "CreationTime": s["CreationTime"]})
	}
	mototest.WriteJSON(w, r, map[string]any{"RestoreTestingSelections": list})
}

func (f *restoreFake) getSelection(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.selections[r.PathValue("name")][r.PathValue("sel")]
	if !ok {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no restore testing selection "+r.PathValue("sel"))
		return
	}
	mototest.WriteJSON(w, r, map[string]any{"RestoreTestingSelection": s})
}

func (f *restoreFake) updateSelection(w http.ResponseWriter, r *http.Request) {
	in, err := readJSON(r)
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	plan, name := r.PathValue("name"), r.PathValue("sel")
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.selections[plan][name]
	if !ok {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no restore testing selection "+name)
		return
	}
	spec, _ := in["RestoreTestingSelection"].(map[string]any)
	for k, v := range spec {
		s[k] = v
	}
	mototest.WriteJSON(w, r, map[string]any{"RestoreTestingPlanName": plan, "RestoreTestingPlanArn": f.planARN(plan),
		"RestoreTestingSelectionName": name, "CreationTime": s["CreationTime"], "UpdateTime": mototest.Epoch(time.Now())})
}

// listJobs answers ListRestoreJobs by restoreTestingPlanArn and
// createdAfter, as AWS filters them.
func (f *restoreFake) listJobs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, _ := time.Parse(time.RFC3339, q.Get("createdAfter"))
	f.mu.Lock()
	defer f.mu.Unlock()
	list := []any{}
	for _, j := range f.jobs {
		by, _ := j["CreatedBy"].(map[string]any)
		if arn := q.Get("restoreTestingPlanArn"); arn != "" && by["RestoreTestingPlanArn"] != arn {
			continue
		}
		if created := time.Unix(0, int64(j["CreationDate"].(float64)*1e9)); !after.IsZero() && created.Before(after) {
			continue
		}
		list = append(list, j)
	}
	mototest.WriteJSON(w, r, map[string]any{"RestoreJobs": list})
}

func (f *restoreFake) putValidation(w http.ResponseWriter, r *http.Request) {
	in, err := readJSON(r)
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	id := r.PathValue("id")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, j := range f.jobs {
		if j["RestoreJobId"] == id {
			st, _ := in["ValidationStatus"].(string)
			j["ValidationStatus"], j["ValidationStatusMessage"] = st, in["ValidationStatusMessage"]
			f.validated[id] = st
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no restore job "+id)
}
