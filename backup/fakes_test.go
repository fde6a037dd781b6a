package backup

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	bktypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"
)

// Hand-written fakes of the narrow interfaces: in-memory state for one
// account and region, lists in pages of pageSize (so the SDK paginators
// page), every call recorded, failures injected per operation.

const pageSize = 2

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// page returns the items of one page and the next token.
func page[T any](items []T, token *string) ([]T, *string) {
	from := 0
	if token != nil {
		from, _ = strconv.Atoi(*token)
	}
	from = min(from, len(items))
	to := min(from+pageSize, len(items))
	var next *string
	if to < len(items) {
		next = aws.String(strconv.Itoa(to))
	}
	return items[from:to], next
}

// fakes is one account and region.
type fakes struct {
	mu      sync.Mutex
	account string
	region  string
	ops     []string
	// clock stamps what the fakes create; zero means the real clock.
	clock time.Time
	fail  map[string]error // operation → error (every call)
	next  int

	vaults     map[string]*fakeVault
	plans      []*fakePlan
	selections map[string][]Selection // plan id → selections
	jobs       []bktypes.BackupJob
	protected  []bktypes.ProtectedResource

	instances []ec2types.Instance
	volumes   []ec2types.Volume
	dbs       []rdstypes.DBInstance
	clusters  []rdstypes.DBCluster
	tables    []fakeTable
	files     []efstypes.FileSystemDescription
}

type fakeVault struct {
	out  backup.DescribeBackupVaultOutput
	tags map[string]string
}

type fakePlan struct {
	member bktypes.BackupPlansListMember
	doc    bktypes.BackupPlan
	tags   map[string]string
}

type fakeTable struct {
	desc dbtypes.TableDescription
	tags []dbtypes.Tag
	pitr bool
}

func newFakes(account, region string) *fakes {
	return &fakes{account: account, region: region, fail: map[string]error{},
		vaults: map[string]*fakeVault{}, selections: map[string][]Selection{}}
}

func (f *fakes) clients() Clients {
	return Clients{Backup: (*fakeBackupAPI)(f), DynamoDB: (*fakeDynamo)(f), EC2: (*fakeEC2)(f), RDS: (*fakeRDS)(f), EFS: (*fakeEFS)(f)}
}

// call records op and returns the injected failure, if any. Callers hold
// f.mu.
func (f *fakes) call(op string, detail ...string) error {
	d := strings.Join(detail, ",")
	if d != "" {
		f.ops = append(f.ops, op+" "+d)
	} else {
		f.ops = append(f.ops, op)
	}
	if err := f.fail[op]; err != nil {
		return err
	}
	return nil
}

func (f *fakes) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ops)
}

func (f *fakes) resetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = nil
}

// writes returns the calls that change anything.
func (f *fakes) writes() []string {
	var out []string
	for _, op := range f.calls() {
		if !hasAnyPrefix(op, "Describe", "List", "Get") {
			out = append(out, op)
		}
	}
	return out
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func (f *fakes) now() time.Time {
	if f.clock.IsZero() {
		return time.Now()
	}
	return f.clock
}

func (f *fakes) id(prefix string) string {
	f.next++
	return fmt.Sprintf("%s-%d", prefix, f.next)
}

func (f *fakes) arn(typ, id string) string {
	return fmt.Sprintf("arn:aws:backup:%s:%s:%s:%s", f.region, f.account, typ, id)
}

// The AWS Backup fake.

type fakeBackupAPI fakes

func (b *fakeBackupAPI) f() *fakes { return (*fakes)(b) }

func (b *fakeBackupAPI) DescribeBackupVault(_ context.Context, in *backup.DescribeBackupVaultInput, _ ...func(*backup.Options)) (*backup.DescribeBackupVaultOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.BackupVaultName)
	if err := f.call("DescribeBackupVault", name); err != nil {
		return nil, err
	}
	v, ok := f.vaults[name]
	if !ok {
		return nil, &bktypes.ResourceNotFoundException{Message: aws.String("no vault " + name)}
	}
	out := v.out
	return &out, nil
}

func (b *fakeBackupAPI) CreateBackupVault(_ context.Context, in *backup.CreateBackupVaultInput, _ ...func(*backup.Options)) (*backup.CreateBackupVaultOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.BackupVaultName)
	if err := f.call("CreateBackupVault", name); err != nil {
		return nil, err
	}
	if _, ok := f.vaults[name]; ok {
		return nil, apiError("AlreadyExistsException", "vault exists")
	}
	key := aws.ToString(in.EncryptionKeyArn)
	if key == "" {
		key = "arn:aws:kms:" + f.region + ":" + f.account + ":key/aws-backup"
	}
	f.vaults[name] = &fakeVault{out: backup.DescribeBackupVaultOutput{BackupVaultName: aws.String(name), BackupVaultArn: aws.String(f.arn("backup-vault", name)),
		EncryptionKeyArn: aws.String(key), Locked: aws.Bool(false)}, tags: in.BackupVaultTags}
	return &backup.CreateBackupVaultOutput{BackupVaultName: aws.String(name)}, nil
}

func (b *fakeBackupAPI) PutBackupVaultLockConfiguration(_ context.Context, in *backup.PutBackupVaultLockConfigurationInput, _ ...func(*backup.Options)) (*backup.PutBackupVaultLockConfigurationOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.BackupVaultName)
	if err := f.call("PutBackupVaultLockConfiguration", name); err != nil {
		return nil, err
	}
	v, ok := f.vaults[name]
	if !ok {
		return nil, &bktypes.ResourceNotFoundException{Message: aws.String("no vault " + name)}
	}
	if v.out.LockDate != nil && !f.now().Before(*v.out.LockDate) {
		return nil, apiError("InvalidRequestException", "Vault Lock configuration is immutable")
	}
	v.out.Locked = aws.Bool(true)
	v.out.MinRetentionDays, v.out.MaxRetentionDays, v.out.LockDate = in.MinRetentionDays, in.MaxRetentionDays, nil
	if in.ChangeableForDays != nil {
		v.out.LockDate = aws.Time(f.now().Add(time.Duration(*in.ChangeableForDays) * 24 * time.Hour))
	}
	return &backup.PutBackupVaultLockConfigurationOutput{}, nil
}

func (b *fakeBackupAPI) ListBackupPlans(_ context.Context, in *backup.ListBackupPlansInput, _ ...func(*backup.Options)) (*backup.ListBackupPlansOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListBackupPlans"); err != nil {
		return nil, err
	}
	var all []bktypes.BackupPlansListMember
	for _, p := range f.plans {
		all = append(all, p.member)
	}
	items, next := page(all, in.NextToken)
	return &backup.ListBackupPlansOutput{BackupPlansList: items, NextToken: next}, nil
}

func (f *fakes) plan(id string) *fakePlan {
	for _, p := range f.plans {
		if aws.ToString(p.member.BackupPlanId) == id {
			return p
		}
	}
	return nil
}

func (b *fakeBackupAPI) ListTags(_ context.Context, in *backup.ListTagsInput, _ ...func(*backup.Options)) (*backup.ListTagsOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	arn := aws.ToString(in.ResourceArn)
	if err := f.call("ListTags", arn); err != nil {
		return nil, err
	}
	for _, p := range f.plans {
		if aws.ToString(p.member.BackupPlanArn) == arn {
			return &backup.ListTagsOutput{Tags: p.tags}, nil
		}
	}
	return nil, &bktypes.ResourceNotFoundException{Message: aws.String("no resource " + arn)}
}

func (b *fakeBackupAPI) GetBackupPlan(_ context.Context, in *backup.GetBackupPlanInput, _ ...func(*backup.Options)) (*backup.GetBackupPlanOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.BackupPlanId)
	if err := f.call("GetBackupPlan", id); err != nil {
		return nil, err
	}
	p := f.plan(id)
	if p == nil {
		return nil, &bktypes.ResourceNotFoundException{Message: aws.String("no plan " + id)}
	}
	doc := p.doc
	doc.Rules = slices.Clone(doc.Rules)
	return &backup.GetBackupPlanOutput{BackupPlan: &doc, BackupPlanId: aws.String(id), BackupPlanArn: p.member.BackupPlanArn, VersionId: p.member.VersionId}, nil
}

// rulesOf turns rule inputs into rules as AWS returns them.
func rulesOf(in []bktypes.BackupRuleInput) []bktypes.BackupRule {
	var out []bktypes.BackupRule
	for i, r := range in {
		out = append(out, bktypes.BackupRule{
			RuleName: r.RuleName, RuleId: aws.String("rule-" + strconv.Itoa(i)), TargetBackupVaultName: r.TargetBackupVaultName,
			ScheduleExpression: r.ScheduleExpression, ScheduleExpressionTimezone: r.ScheduleExpressionTimezone,
			StartWindowMinutes: r.StartWindowMinutes, CompletionWindowMinutes: r.CompletionWindowMinutes, Lifecycle: r.Lifecycle,
			CopyActions: r.CopyActions, EnableContinuousBackup: r.EnableContinuousBackup, RecoveryPointTags: r.RecoveryPointTags,
		})
	}
	return out
}

func (b *fakeBackupAPI) CreateBackupPlan(_ context.Context, in *backup.CreateBackupPlanInput, _ ...func(*backup.Options)) (*backup.CreateBackupPlanOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.BackupPlan.BackupPlanName)
	if err := f.call("CreateBackupPlan", name); err != nil {
		return nil, err
	}
	id := f.id("plan")
	f.plans = append(f.plans, &fakePlan{
		member: bktypes.BackupPlansListMember{BackupPlanId: aws.String(id), BackupPlanArn: aws.String(f.arn("backup-plan", id)),
			BackupPlanName: aws.String(name), CreationDate: aws.Time(f.now()), VersionId: aws.String("v1"), CreatorRequestId: in.CreatorRequestId},
		doc:  bktypes.BackupPlan{BackupPlanName: aws.String(name), Rules: rulesOf(in.BackupPlan.Rules)},
		tags: in.BackupPlanTags,
	})
	return &backup.CreateBackupPlanOutput{BackupPlanId: aws.String(id)}, nil
}

func (b *fakeBackupAPI) UpdateBackupPlan(_ context.Context, in *backup.UpdateBackupPlanInput, _ ...func(*backup.Options)) (*backup.UpdateBackupPlanOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.BackupPlanId)
	if err := f.call("UpdateBackupPlan", id); err != nil {
		return nil, err
	}
	p := f.plan(id)
	if p == nil {
		return nil, &bktypes.ResourceNotFoundException{Message: aws.String("no plan " + id)}
	}
	p.doc = bktypes.BackupPlan{BackupPlanName: in.BackupPlan.BackupPlanName, Rules: rulesOf(in.BackupPlan.Rules),
		AdvancedBackupSettings: in.BackupPlan.AdvancedBackupSettings}
	p.member.VersionId = aws.String(f.id("v"))
	return &backup.UpdateBackupPlanOutput{BackupPlanId: aws.String(id), VersionId: p.member.VersionId}, nil
}

func (b *fakeBackupAPI) ListBackupSelections(_ context.Context, in *backup.ListBackupSelectionsInput, _ ...func(*backup.Options)) (*backup.ListBackupSelectionsOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.BackupPlanId)
	if err := f.call("ListBackupSelections", id); err != nil {
		return nil, err
	}
	var all []bktypes.BackupSelectionsListMember
	for _, s := range f.selections[id] {
		all = append(all, bktypes.BackupSelectionsListMember{BackupPlanId: aws.String(id), SelectionId: aws.String(s.ID),
			SelectionName: aws.String(s.Name), CreatorRequestId: aws.String(s.CreatorRequestID), IamRoleArn: s.Spec.IamRoleArn})
	}
	items, next := page(all, in.NextToken)
	return &backup.ListBackupSelectionsOutput{BackupSelectionsList: items, NextToken: next}, nil
}

func (b *fakeBackupAPI) GetBackupSelection(_ context.Context, in *backup.GetBackupSelectionInput, _ ...func(*backup.Options)) (*backup.GetBackupSelectionOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	id, sel := aws.ToString(in.BackupPlanId), aws.ToString(in.SelectionId)
	if err := f.call("GetBackupSelection", sel); err != nil {
		return nil, err
	}
	for _, s := range f.selections[id] {
		if s.ID == sel {
			spec := s.Spec
			return &backup.GetBackupSelectionOutput{BackupPlanId: aws.String(id), SelectionId: aws.String(sel), BackupSelection: &spec, CreatorRequestId: aws.String(s.CreatorRequestID)}, nil
		}
	}
	return nil, &bktypes.ResourceNotFoundException{Message: aws.String("no selection " + sel)}
}

func (b *fakeBackupAPI) CreateBackupSelection(_ context.Context, in *backup.CreateBackupSelectionInput, _ ...func(*backup.Options)) (*backup.CreateBackupSelectionOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.BackupPlanId)
	if err := f.call("CreateBackupSelection", aws.ToString(in.BackupSelection.SelectionName)); err != nil {
		return nil, err
	}
	if f.plan(id) == nil {
		return nil, &bktypes.ResourceNotFoundException{Message: aws.String("no plan " + id)}
	}
	if len(in.BackupSelection.Resources) == 0 && len(in.BackupSelection.ListOfTags) == 0 {
		return nil, apiError("InvalidParameterValueException", "Either 'ListOfTags' or 'Resources' section must be non-empty.")
	}
	sel := f.id("sel")
	f.selections[id] = append(f.selections[id], Selection{ID: sel, Name: aws.ToString(in.BackupSelection.SelectionName),
		CreatorRequestID: aws.ToString(in.CreatorRequestId), Spec: *in.BackupSelection})
	return &backup.CreateBackupSelectionOutput{BackupPlanId: aws.String(id), SelectionId: aws.String(sel)}, nil
}

func (b *fakeBackupAPI) DeleteBackupSelection(_ context.Context, in *backup.DeleteBackupSelectionInput, _ ...func(*backup.Options)) (*backup.DeleteBackupSelectionOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	id, sel := aws.ToString(in.BackupPlanId), aws.ToString(in.SelectionId)
	if err := f.call("DeleteBackupSelection", sel); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(f.selections[id], func(s Selection) bool { return s.ID == sel })
	if i < 0 {
		return nil, &bktypes.ResourceNotFoundException{Message: aws.String("no selection " + sel)}
	}
	f.selections[id] = slices.Delete(f.selections[id], i, i+1)
	return &backup.DeleteBackupSelectionOutput{}, nil
}

func (b *fakeBackupAPI) ListBackupJobs(_ context.Context, in *backup.ListBackupJobsInput, _ ...func(*backup.Options)) (*backup.ListBackupJobsOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListBackupJobs", string(in.ByState)); err != nil {
		return nil, err
	}
	var all []bktypes.BackupJob
	for _, j := range f.jobs {
		if (in.ByState == "" || j.State == in.ByState) && (in.ByCreatedAfter == nil || aws.ToTime(j.CreationDate).After(*in.ByCreatedAfter)) {
			all = append(all, j)
		}
	}
	items, next := page(all, in.NextToken)
	return &backup.ListBackupJobsOutput{BackupJobs: items, NextToken: next}, nil
}

func (b *fakeBackupAPI) ListProtectedResources(_ context.Context, in *backup.ListProtectedResourcesInput, _ ...func(*backup.Options)) (*backup.ListProtectedResourcesOutput, error) {
	f := b.f()
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListProtectedResources"); err != nil {
		return nil, err
	}
	items, next := page(f.protected, in.NextToken)
	return &backup.ListProtectedResourcesOutput{Results: items, NextToken: next}, nil
}

// The data store fakes.

type fakeEC2 fakes

func (e *fakeEC2) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f := (*fakes)(e)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeInstances"); err != nil {
		return nil, err
	}
	items, next := page(f.instances, in.NextToken)
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: items}}, NextToken: next}, nil
}

func (e *fakeEC2) DescribeVolumes(_ context.Context, in *ec2.DescribeVolumesInput, _ ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error) {
	f := (*fakes)(e)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeVolumes"); err != nil {
		return nil, err
	}
	items, next := page(f.volumes, in.NextToken)
	return &ec2.DescribeVolumesOutput{Volumes: items, NextToken: next}, nil
}

type fakeRDS fakes

func (r *fakeRDS) DescribeDBInstances(_ context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	f := (*fakes)(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeDBInstances"); err != nil {
		return nil, err
	}
	items, next := page(f.dbs, in.Marker)
	return &rds.DescribeDBInstancesOutput{DBInstances: items, Marker: next}, nil
}

func (r *fakeRDS) DescribeDBClusters(_ context.Context, in *rds.DescribeDBClustersInput, _ ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	f := (*fakes)(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeDBClusters"); err != nil {
		return nil, err
	}
	items, next := page(f.clusters, in.Marker)
	return &rds.DescribeDBClustersOutput{DBClusters: items, Marker: next}, nil
}

type fakeEFS fakes

func (e *fakeEFS) DescribeFileSystems(_ context.Context, in *efs.DescribeFileSystemsInput, _ ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error) {
	f := (*fakes)(e)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeFileSystems"); err != nil {
		return nil, err
	}
	items, next := page(f.files, in.Marker)
	return &efs.DescribeFileSystemsOutput{FileSystems: items, NextMarker: next}, nil
}

type fakeDynamo fakes

func (d *fakeDynamo) table(name string) *fakeTable {
	f := (*fakes)(d)
	for i := range f.tables {
		if aws.ToString(f.tables[i].desc.TableName) == name {
			return &f.tables[i]
		}
	}
	return nil
}

func (d *fakeDynamo) ListTables(_ context.Context, in *dynamodb.ListTablesInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error) {
	f := (*fakes)(d)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListTables"); err != nil {
		return nil, err
	}
	var names []string
	for _, t := range f.tables {
		names = append(names, aws.ToString(t.desc.TableName))
	}
	sort.Strings(names)
	from := 0
	if in.ExclusiveStartTableName != nil {
		from = sort.SearchStrings(names, *in.ExclusiveStartTableName) + 1
	}
	to := min(from+pageSize, len(names))
	out := &dynamodb.ListTablesOutput{TableNames: names[from:to]}
	if to < len(names) {
		out.LastEvaluatedTableName = aws.String(names[to-1])
	}
	return out, nil
}

func (d *fakeDynamo) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	f := (*fakes)(d)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeTable", aws.ToString(in.TableName)); err != nil {
		return nil, err
	}
	t := d.table(aws.ToString(in.TableName))
	if t == nil {
		return nil, &dbtypes.ResourceNotFoundException{Message: aws.String("no table")}
	}
	desc := t.desc
	return &dynamodb.DescribeTableOutput{Table: &desc}, nil
}

func (d *fakeDynamo) ListTagsOfResource(_ context.Context, in *dynamodb.ListTagsOfResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error) {
	f := (*fakes)(d)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListTagsOfResource", aws.ToString(in.ResourceArn)); err != nil {
		return nil, err
	}
	for i := range f.tables {
		if aws.ToString(f.tables[i].desc.TableArn) == aws.ToString(in.ResourceArn) {
			items, next := page(f.tables[i].tags, in.NextToken)
			return &dynamodb.ListTagsOfResourceOutput{Tags: items, NextToken: next}, nil
		}
	}
	return nil, &dbtypes.ResourceNotFoundException{Message: aws.String("no table")}
}

func (d *fakeDynamo) DescribeContinuousBackups(_ context.Context, in *dynamodb.DescribeContinuousBackupsInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error) {
	f := (*fakes)(d)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeContinuousBackups", aws.ToString(in.TableName)); err != nil {
		return nil, err
	}
	t := d.table(aws.ToString(in.TableName))
	if t == nil {
		return nil, &dbtypes.TableNotFoundException{Message: aws.String("no table")}
	}
	status := dbtypes.PointInTimeRecoveryStatusDisabled
	if t.pitr {
		status = dbtypes.PointInTimeRecoveryStatusEnabled
	}
	return &dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: &dbtypes.ContinuousBackupsDescription{
		ContinuousBackupsStatus:        dbtypes.ContinuousBackupsStatusEnabled,
		PointInTimeRecoveryDescription: &dbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: status},
	}}, nil
}

func (d *fakeDynamo) UpdateContinuousBackups(_ context.Context, in *dynamodb.UpdateContinuousBackupsInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateContinuousBackupsOutput, error) {
	f := (*fakes)(d)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("UpdateContinuousBackups", aws.ToString(in.TableName)); err != nil {
		return nil, err
	}
	t := d.table(aws.ToString(in.TableName))
	if t == nil {
		return nil, &dbtypes.TableNotFoundException{Message: aws.String("no table")}
	}
	t.pitr = aws.ToBool(in.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled)
	return &dynamodb.UpdateContinuousBackupsOutput{}, nil
}

// Seeding.

func (f *fakes) addInstance(id string, tags map[string]string) {
	f.instances = append(f.instances, ec2types.Instance{InstanceId: aws.String(id), Tags: ec2TagList(tags), LaunchTime: aws.Time(time.Now().Add(-90 * 24 * time.Hour))})
}

func (f *fakes) addVolume(id string, tags map[string]string, attachedTo ...string) {
	v := ec2types.Volume{VolumeId: aws.String(id), Tags: ec2TagList(tags), State: ec2types.VolumeStateInUse}
	for _, i := range attachedTo {
		v.Attachments = append(v.Attachments, ec2types.VolumeAttachment{InstanceId: aws.String(i)})
	}
	f.volumes = append(f.volumes, v)
}

func (f *fakes) addDB(id string, tags map[string]string) {
	var tl []rdstypes.Tag
	for _, k := range sortedKeys(tags) {
		tl = append(tl, rdstypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	f.dbs = append(f.dbs, rdstypes.DBInstance{DBInstanceIdentifier: aws.String(id), DBInstanceArn: aws.String("arn:aws:rds:" + f.region + ":" + f.account + ":db:" + id), TagList: tl})
}

func (f *fakes) addTable(name string, tags map[string]string, pitr bool) {
	var tl []dbtypes.Tag
	for _, k := range sortedKeys(tags) {
		tl = append(tl, dbtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	f.tables = append(f.tables, fakeTable{desc: dbtypes.TableDescription{TableName: aws.String(name),
		TableArn: aws.String("arn:aws:dynamodb:" + f.region + ":" + f.account + ":table/" + name), TableStatus: dbtypes.TableStatusActive}, tags: tl, pitr: pitr})
}

func (f *fakes) addFileSystem(id string, tags map[string]string) {
	var tl []efstypes.Tag
	for _, k := range sortedKeys(tags) {
		tl = append(tl, efstypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	f.files = append(f.files, efstypes.FileSystemDescription{FileSystemId: aws.String(id), FileSystemArn: aws.String("arn:aws:elasticfilesystem:" + f.region + ":" + f.account + ":file-system/" + id),
		Tags: tl, LifeCycleState: efstypes.LifeCycleStateAvailable})
}
