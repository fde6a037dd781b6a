package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// backupState is what the emulator keeps of AWS Backup: the plans updated
// here and every backup selection. moto keeps vaults, locks, plans as
// created, and tags.
type backupState struct {
	mu sync.Mutex
	// plans are GetBackupPlan answers of plans updated here, by plan id.
	plans map[string]map[string]any
	// selections are by plan id.
	selections map[string][]*selection
}

type selection struct {
	id, planID, creatorRequestID string
	created                      time.Time
	// spec is the BackupSelection document as created.
	spec map[string]any
}

func newBackupState() *backupState {
	return &backupState{plans: map[string]map[string]any{}, selections: map[string][]*selection{}}
}

// backupRoutes routes the AWS Backup operations the emulator answers or
// rewrites; the rest go to moto. Each path is matched with and without a
// trailing slash: the Go SDK sends none, the AWS CLI one.
func (e *emulator) backupRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(method, path string, h http.HandlerFunc) {
		mux.HandleFunc(method+" "+path, h)
		mux.HandleFunc(method+" "+path+"/{$}", h)
	}
	handle("POST", "/backup/plans/{id}", e.updatePlan)
	handle("GET", "/backup/plans/{id}", e.getPlan)
	handle("PUT", "/backup/plans/{id}/selections", e.createSelection)
	handle("GET", "/backup/plans/{id}/selections", e.listSelections)
	handle("GET", "/backup/plans/{id}/selections/{sel}", e.getSelection)
	handle("DELETE", "/backup/plans/{id}/selections/{sel}", e.deleteSelection)
	handle("GET", "/backup-jobs", e.listBackupJobs)
	handle("GET", "/resources", e.listProtectedResources)
	mux.HandleFunc("GET /tags/{arn...}", e.listTags)
	mux.Handle("/", e.proxy)
	return mux
}

// plan returns the GetBackupPlan answer for id: the one kept here after an
// update, else moto's. found is false when moto does not know the plan.
func (e *emulator) plan(r *http.Request, id string) (plan map[string]any, found bool, err error) {
	e.state.mu.Lock()
	p, ok := e.state.plans[id]
	e.state.mu.Unlock()
	if ok {
		return p, true, nil
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, e.upstream.JoinPath("backup", "plans", id).String()+"/", nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Authorization", r.Header.Get("Authorization")) // moto's account and region
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, false, fmt.Errorf("get backup plan %s from moto: %w", id, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, false, nil
	}
	p = map[string]any{}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return nil, false, fmt.Errorf("get backup plan %s from moto: %w", id, err)
	}
	return p, true, nil
}

// updatePlan keeps the plan's new document as a new version.
func (e *emulator) updatePlan(w http.ResponseWriter, r *http.Request) {
	var in struct{ BackupPlan map[string]any }
	if !decode(w, r, &in) {
		return
	}
	id := r.PathValue("id")
	rules, _ := in.BackupPlan["Rules"].([]any)
	if len(rules) == 0 {
		writeError(w, r, http.StatusBadRequest, "InvalidParameterValueException", "a backup plan needs at least one rule")
		return
	}
	current, found, err := e.plan(r, id)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "ServiceUnavailableException", err.Error())
		return
	}
	if !found {
		writeError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no backup plan "+id)
		return
	}
	for _, rule := range rules {
		if m, ok := rule.(map[string]any); ok {
			m["RuleId"] = newID()
		}
	}
	e.state.mu.Lock()
	updated := map[string]any{}
	for k, v := range current {
		updated[k] = v
	}
	updated["BackupPlan"] = in.BackupPlan
	updated["VersionId"] = newID()
	e.state.plans[id] = updated
	e.state.mu.Unlock()
	e.log.Printf("answered UpdateBackupPlan %s (%v): version %s", id, in.BackupPlan["BackupPlanName"], updated["VersionId"])
	writeJSON(w, r, map[string]any{
		"BackupPlanId": id, "BackupPlanArn": updated["BackupPlanArn"], "CreationDate": updated["CreationDate"], "VersionId": updated["VersionId"],
	})
}

// getPlan answers for a plan updated here and forwards the rest to moto.
func (e *emulator) getPlan(w http.ResponseWriter, r *http.Request) {
	e.state.mu.Lock()
	p, ok := e.state.plans[r.PathValue("id")]
	e.state.mu.Unlock()
	if !ok {
		e.proxy.ServeHTTP(w, r)
		return
	}
	e.log.Printf("answered GetBackupPlan %s: the version updated here", r.PathValue("id"))
	writeJSON(w, r, p)
}

func (e *emulator) createSelection(w http.ResponseWriter, r *http.Request) {
	var in struct {
		BackupSelection  map[string]any
		CreatorRequestID string `json:"CreatorRequestId"`
	}
	if !decode(w, r, &in) {
		return
	}
	spec := in.BackupSelection
	resources, _ := spec["Resources"].([]any)
	tags, _ := spec["ListOfTags"].([]any)
	if name, _ := spec["SelectionName"].(string); name == "" || len(resources) == 0 && len(tags) == 0 {
		writeError(w, r, http.StatusBadRequest, "InvalidParameterValueException",
			"a backup selection needs a SelectionName and a non-empty ListOfTags or Resources")
		return
	}
	planID := r.PathValue("id")
	_, found, err := e.plan(r, planID)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "ServiceUnavailableException", err.Error())
		return
	}
	if !found {
		writeError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no backup plan "+planID)
		return
	}
	e.state.mu.Lock()
	var s *selection
	for _, old := range e.state.selections[planID] {
		if in.CreatorRequestID != "" && old.creatorRequestID == in.CreatorRequestID {
			s = old // the same request again: the same selection
		}
	}
	if s == nil {
		s = &selection{id: newID(), planID: planID, creatorRequestID: in.CreatorRequestID, created: time.Now(), spec: spec}
		e.state.selections[planID] = append(e.state.selections[planID], s)
	}
	e.state.mu.Unlock()
	e.log.Printf("answered CreateBackupSelection %v in plan %s: %s", spec["SelectionName"], planID, s.id)
	writeJSON(w, r, map[string]any{"BackupPlanId": planID, "SelectionId": s.id, "CreationDate": epoch(s.created)})
}

func (e *emulator) listSelections(w http.ResponseWriter, r *http.Request) {
	planID := r.PathValue("id")
	e.state.mu.Lock()
	list := []map[string]any{}
	for _, s := range e.state.selections[planID] {
		list = append(list, map[string]any{
			"BackupPlanId": s.planID, "SelectionId": s.id, "SelectionName": s.spec["SelectionName"],
			"IamRoleArn": s.spec["IamRoleArn"], "CreatorRequestId": s.creatorRequestID, "CreationDate": epoch(s.created),
		})
	}
	e.state.mu.Unlock()
	e.log.Printf("answered ListBackupSelections of plan %s: %d", planID, len(list))
	writeJSON(w, r, map[string]any{"BackupSelectionsList": list})
}

// find returns the index and selection sel of a plan, or -1 and nil. The
// caller holds the lock.
func (st *backupState) find(planID, sel string) (int, *selection) {
	for i, s := range st.selections[planID] {
		if s.id == sel {
			return i, s
		}
	}
	return -1, nil
}

func (e *emulator) getSelection(w http.ResponseWriter, r *http.Request) {
	planID, sel := r.PathValue("id"), r.PathValue("sel")
	e.state.mu.Lock()
	_, s := e.state.find(planID, sel)
	e.state.mu.Unlock()
	if s == nil {
		writeError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no backup selection "+sel+" in plan "+planID)
		return
	}
	e.log.Printf("answered GetBackupSelection %s of plan %s", sel, planID)
	writeJSON(w, r, map[string]any{
		"BackupPlanId": s.planID, "SelectionId": s.id, "BackupSelection": s.spec,
		"CreatorRequestId": s.creatorRequestID, "CreationDate": epoch(s.created),
	})
}

func (e *emulator) deleteSelection(w http.ResponseWriter, r *http.Request) {
	planID, sel := r.PathValue("id"), r.PathValue("sel")
	e.state.mu.Lock()
	i, s := e.state.find(planID, sel)
	if s != nil {
		e.state.selections[planID] = append(e.state.selections[planID][:i], e.state.selections[planID][i+1:]...)
	}
	e.state.mu.Unlock()
	if s == nil {
		writeError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no backup selection "+sel+" in plan "+planID)
		return
	}
	e.log.Printf("answered DeleteBackupSelection %s of plan %s", sel, planID)
	w.Header().Set("X-Amzn-RequestId", newID())
	w.WriteHeader(http.StatusOK)
}

// listBackupJobs answers that there are none: no backup runs here.
func (e *emulator) listBackupJobs(w http.ResponseWriter, r *http.Request) {
	e.log.Printf("answered ListBackupJobs (state %q): none", r.URL.Query().Get("state"))
	writeJSON(w, r, map[string]any{"BackupJobs": []any{}})
}

// listProtectedResources answers that there are none: no backup runs here.
func (e *emulator) listProtectedResources(w http.ResponseWriter, r *http.Request) {
	e.log.Printf("answered ListProtectedResources: none")
	writeJSON(w, r, map[string]any{"Results": []any{}})
}

// listTags forwards ListTags to moto with the trailing slash moto's path
// parsing needs: it reads the ARN from the second-last path segment.
func (e *emulator) listTags(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/") {
		r.URL.Path += "/"
		if r.URL.RawPath != "" {
			r.URL.RawPath += "/"
		}
		e.log.Printf("rewrote ListTags %s with a trailing slash, forwarded to moto", r.PathValue("arn"))
	}
	e.proxy.ServeHTTP(w, r)
}
