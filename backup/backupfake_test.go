package backup

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// backupFake answers, through a mototest.Proxy in front of moto, the AWS
// Backup operations moto 5.2.1 lacks, speaking AWS Backup's REST-JSON
// protocol so the real SDK serialises the requests and parses the
// answers:
//
//   - UpdateBackupPlan (POST /backup/plans/{id}): the new document is kept
//     here, and GetBackupPlan answers with it; plans never updated are
//     read from moto;
//   - CreateBackupSelection, ListBackupSelections, GetBackupSelection and
//     DeleteBackupSelection;
//   - ListBackupJobs and ListProtectedResources, answered from jobs and
//     protected resources a test puts in.
//
// Everything else (vaults, locks, CreateBackupPlan, ListBackupPlans,
// ListTags) goes to moto. State is per region, which is enough for these
// tests (one account).
type backupFake struct {
	proxy *mototest.Proxy

	mu         sync.Mutex
	plans      map[string]map[string]any // plan id → GetBackupPlan answer after an update
	selections map[string][]*fakeSelection
	jobs       []map[string]any
	protected  []map[string]any
	nextID     int
}

type fakeSelection struct {
	id, planID, creatorRequestID string
	created                      time.Time
	spec                         map[string]any
}

func newBackupFake(p *mototest.Proxy) *backupFake {
	f := &backupFake{proxy: p, plans: map[string]map[string]any{}, selections: map[string][]*fakeSelection{}}
	p.Handle("POST /backup/plans/{id}", f.updatePlan)
	p.Handle("POST /backup/plans/{id}/", f.updatePlan)
	p.Handle("GET /backup/plans/{id}", f.getPlan)
	p.Handle("GET /backup/plans/{id}/", f.getPlan)
	p.Handle("GET /tags/{arn+}", f.listTags)
	for _, suffix := range []string{"", "/"} {
		p.Handle("PUT /backup/plans/{id}/selections"+suffix, f.createSelection)
		p.Handle("GET /backup/plans/{id}/selections"+suffix, f.listSelections)
		p.Handle("GET /backup/plans/{id}/selections/{sel}"+suffix, f.getSelection)
		p.Handle("DELETE /backup/plans/{id}/selections/{sel}"+suffix, f.deleteSelection)
		p.Handle("GET /backup-jobs"+suffix, f.listJobs)
		p.Handle("GET /resources"+suffix, f.listProtected)
	}
	return f
}

func (f *backupFake) id() string {
	f.nextID++
	return fmt.Sprintf("%08d-fake-4000-8000-%012d", f.nextID, f.nextID)
}

func readJSON(r *http.Request) (map[string]any, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if len(b) == 0 {
		return out, nil
	}
	return out, json.Unmarshal(b, &out)
}

// updatePlan reads the plan from moto (so an unknown id fails as in AWS)
// and keeps the new document.
func (f *backupFake) updatePlan(w http.ResponseWriter, r *http.Request) {
	in, err := readJSON(r)
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	id := r.PathValue("id")
	current, status := f.motoPlan(r, id)
	if status != http.StatusOK {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "Failed reading Backup plan with provided version")
		return
	}
	doc, _ := in["BackupPlan"].(map[string]any)
	rules, _ := doc["Rules"].([]any)
	if doc == nil || len(rules) == 0 {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", "a plan needs at least one rule")
		return
	}
	for _, rule := range rules {
		if m, ok := rule.(map[string]any); ok {
			m["RuleId"] = "rule-" + strconv.Itoa(len(f.plans)+1)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	current["BackupPlan"] = doc
	current["VersionId"] = "v-" + f.id()
	f.plans[id] = current
	mototest.WriteJSON(w, r, map[string]any{
		"BackupPlanId": id, "BackupPlanArn": current["BackupPlanArn"], "CreationDate": current["CreationDate"], "VersionId": current["VersionId"],
	})
}

// motoPlan is moto's GetBackupPlan answer for id, or its status.
func (f *backupFake) motoPlan(r *http.Request, id string) (map[string]any, int) {
	f.mu.Lock()
	if p, ok := f.plans[id]; ok {
		f.mu.Unlock()
		return p, http.StatusOK
	}
	f.mu.Unlock()
	get := r.Clone(r.Context())
	get.Method = http.MethodGet
	get.URL.Path, get.URL.RawPath = "/backup/plans/"+id+"/", ""
	rec := httptest.NewRecorder()
	f.proxy.Forward(rec, get)
	if rec.Code != http.StatusOK {
		return nil, rec.Code
	}
	out := map[string]any{}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		return nil, http.StatusInternalServerError
	}
	return out, http.StatusOK
}

// listTags forwards ListTags to moto with the trailing slash moto's path
// parsing expects (it reads the ARN from the second-last path segment;
// the SDK sends none).
func (f *backupFake) listTags(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/") {
		r.URL.Path += "/"
		if r.URL.RawPath != "" {
			r.URL.RawPath += "/"
		}
	}
	f.proxy.Forward(w, r)
}

func (f *backupFake) getPlan(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	p, ok := f.plans[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		f.proxy.Forward(w, r)
		return
	}
	mototest.WriteJSON(w, r, p)
}

func (f *backupFake) createSelection(w http.ResponseWriter, r *http.Request) {
	in, err := readJSON(r)
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	spec, _ := in["BackupSelection"].(map[string]any)
	res, _ := spec["Resources"].([]any)
	tags, _ := spec["ListOfTags"].([]any)
	if spec == nil || (len(res) == 0 && len(tags) == 0) {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", "Invalid backup selection. Either 'ListOfTags' or 'Resources' section must be non-empty.")
		return
	}
	planID := r.PathValue("id")
	if _, status := f.motoPlan(r, planID); status != http.StatusOK {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no plan "+planID)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	token, _ := in["CreatorRequestId"].(string)
	s := &fakeSelection{id: f.id(), planID: planID, creatorRequestID: token, created: time.Now(), spec: spec}
	f.selections[planID] = append(f.selections[planID], s)
	mototest.WriteJSON(w, r, map[string]any{"BackupPlanId": planID, "SelectionId": s.id, "CreationDate": mototest.Epoch(s.created)})
}

func (f *backupFake) listSelections(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var list []map[string]any
	for _, s := range f.selections[r.PathValue("id")] {
		list = append(list, map[string]any{
			"BackupPlanId": s.planID, "SelectionId": s.id, "SelectionName": s.spec["SelectionName"],
			"IamRoleArn": s.spec["IamRoleArn"], "CreatorRequestId": s.creatorRequestID, "CreationDate": mototest.Epoch(s.created),
		})
	}
	mototest.WriteJSON(w, r, map[string]any{"BackupSelectionsList": list})
}

func (f *backupFake) find(planID, id string) (int, *fakeSelection) {
	for i, s := range f.selections[planID] {
		if s.id == id {
			return i, s
		}
	}
	return -1, nil
}

func (f *backupFake) getSelection(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, s := f.find(r.PathValue("id"), r.PathValue("sel"))
	if s == nil {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no selection "+r.PathValue("sel"))
		return
	}
	mototest.WriteJSON(w, r, map[string]any{
		"BackupPlanId": s.planID, "SelectionId": s.id, "BackupSelection": s.spec,
		"CreatorRequestId": s.creatorRequestID, "CreationDate": mototest.Epoch(s.created),
	})
}

func (f *backupFake) deleteSelection(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	planID := r.PathValue("id")
	i, s := f.find(planID, r.PathValue("sel"))
	if s == nil {
		mototest.WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no selection "+r.PathValue("sel"))
		return
	}
	f.selections[planID] = append(f.selections[planID][:i], f.selections[planID][i+1:]...)
	mototest.WriteEmpty(w, r)
}

// addJob puts a backup job in.
func (f *backupFake) addJob(id, state, resourceARN, resourceType, message string, created time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs = append(f.jobs, map[string]any{
		"BackupJobId": id, "State": state, "ResourceArn": resourceARN, "ResourceType": resourceType,
		"StatusMessage": message, "CreationDate": mototest.Epoch(created), "BackupVaultName": "opsd-prod",
	})
}

// addProtected puts a protected resource in.
func (f *backupFake) addProtected(arn, typ string, last time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.protected = append(f.protected, map[string]any{"ResourceArn": arn, "ResourceType": typ, "LastBackupTime": mototest.Epoch(last)})
}

func (f *backupFake) listJobs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var after time.Time
	if v := q.Get("createdAfter"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValueException", "createdAfter: "+err.Error())
			return
		}
		after = t
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, j := range f.jobs {
		if s := q.Get("state"); s != "" && j["State"] != s {
			continue
		}
		if created := time.Unix(0, int64(j["CreationDate"].(float64)*1e9)); !created.After(after) {
			continue
		}
		out = append(out, j)
	}
	sort.SliceStable(out, func(i, k int) bool { return out[i]["BackupJobId"].(string) < out[k]["BackupJobId"].(string) })
	mototest.WriteJSON(w, r, map[string]any{"BackupJobs": out})
}

func (f *backupFake) listProtected(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	mototest.WriteJSON(w, r, map[string]any{"Results": f.protected})
}

// selectionsOf returns the selections of a plan, as the fake holds them.
func (f *backupFake) selectionsOf(planID string) []fakeSelection {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeSelection
	for _, s := range f.selections[planID] {
		out = append(out, *s)
	}
	return out
}
