package iam_test

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/tools/go/packages"

	"github.com/opsd-dev/opsd/deploy/iam/policydoc"
)

const (
	// modulePath is the module whose AWS calls the policy must cover.
	modulePath = "github.com/opsd-dev/opsd"
	// moduleRoot is the module's directory, seen from this package.
	moduleRoot = "../.."
	// trustFile is the trust policy of the role opsd assumes in a member
	// account.
	trustFile = policydoc.TrustFile
	// sdkServicePrefix is the import path prefix of the SDK's service
	// clients.
	sdkServicePrefix = "github.com/aws/aws-sdk-go-v2/service/"
)

// servicePrefixes maps an SDK service package (the last element of
// github.com/aws/aws-sdk-go-v2/service/<name>) to its IAM service prefix.
// A package missing here fails the test, naming it: add it.
var servicePrefixes = map[string]string{
	"acm":                      "acm",
	"apigateway":               "apigateway",
	"apigatewayv2":             "apigateway",
	"autoscaling":              "autoscaling",
	"applicationautoscaling":   "application-autoscaling",
	"backup":                   "backup",
	"cloudformation":           "cloudformation",
	"cloudtrail":               "cloudtrail",
	"cloudwatch":               "cloudwatch",
	"cloudwatchlogs":           "logs",
	"costexplorer":             "ce",
	"dynamodb":                 "dynamodb",
	"ec2":                      "ec2",
	"kafka":                    "kafka",
	"opensearch":               "es",
	"redshift":                 "redshift",
	"ecs":                      "ecs",
	"efs":                      "elasticfilesystem",
	"elasticache":              "elasticache",
	"elasticloadbalancing":     "elasticloadbalancing",
	"elasticloadbalancingv2":   "elasticloadbalancing",
	"eventbridge":              "events",
	"fsx":                      "fsx",
	"iam":                      "iam",
	"kms":                      "kms",
	"lambda":                   "lambda",
	"organizations":            "organizations",
	"rds":                      "rds",
	"resourcegroupstaggingapi": "tag",
	"s3":                       "s3",
	"secretsmanager":           "secretsmanager",
	"sfn":                      "states",
	"sns":                      "sns",
	"sqs":                      "sqs",
	"ssm":                      "ssm",
	"sts":                      "sts",
	"synthetics":               "synthetics",
	"xray":                     "xray",
}

// actionExceptions lists the operations whose IAM actions are not
// "<prefix>:<OperationName>", keyed by "<sdk package>.<Operation>". An empty
// list means the operation needs no permission. Several actions mean the
// operation needs all of them.
var actionExceptions = map[string][]string{
	// Any identity may ask who it is.
	"sts.GetCallerIdentity": nil,

	// S3 names its permissions after resources, not operations.
	"s3.ListObjects":                        {"s3:ListBucket"},
	"s3.ListObjectsV2":                      {"s3:ListBucket"},
	"s3.ListObjectVersions":                 {"s3:ListBucketVersions"},
	"s3.ListBuckets":                        {"s3:ListAllMyBuckets"},
	"s3.HeadBucket":                         {"s3:ListBucket"},
	"s3.HeadObject":                         {"s3:GetObject"},
	"s3.DeleteObjects":                      {"s3:DeleteObject"},
	"s3.CopyObject":                         {"s3:GetObject", "s3:PutObject"},
	"s3.CreateMultipartUpload":              {"s3:PutObject"},
	"s3.UploadPart":                         {"s3:PutObject"},
	"s3.CompleteMultipartUpload":            {"s3:PutObject"},
	"s3.ListMultipartUploads":               {"s3:ListBucketMultipartUploads"},
	"s3.ListParts":                          {"s3:ListMultipartUploadParts"},
	"s3.GetBucketLifecycleConfiguration":    {"s3:GetLifecycleConfiguration"},
	"s3.PutBucketLifecycleConfiguration":    {"s3:PutLifecycleConfiguration"},
	"s3.DeleteBucketLifecycle":              {"s3:PutLifecycleConfiguration"},
	"s3.GetBucketEncryption":                {"s3:GetEncryptionConfiguration"},
	"s3.PutBucketEncryption":                {"s3:PutEncryptionConfiguration"},
	"s3.GetPublicAccessBlock":               {"s3:GetBucketPublicAccessBlock"},
	"s3.PutPublicAccessBlock":               {"s3:PutBucketPublicAccessBlock"},
	"s3.GetObjectLockConfiguration":         {"s3:GetBucketObjectLockConfiguration"},
	"s3.PutObjectLockConfiguration":         {"s3:PutBucketObjectLockConfiguration"},
	"s3.GetBucketNotificationConfiguration": {"s3:GetBucketNotification"},
	"s3.PutBucketNotificationConfiguration": {"s3:PutBucketNotification"},
	"s3.GetBucketReplication":               {"s3:GetReplicationConfiguration"},
	"s3.PutBucketReplication":               {"s3:PutReplicationConfiguration"},

	// SQS batch calls are authorised by the single-message action.
	"sqs.DeleteMessageBatch":           {"sqs:DeleteMessage"},
	"sqs.SendMessageBatch":             {"sqs:SendMessage"},
	"sqs.ChangeMessageVisibilityBatch": {"sqs:ChangeMessageVisibility"},
	// A redrive reads and deletes from the dead-letter queue and sends to
	// the destination as the caller.
	"sqs.StartMessageMoveTask": {"sqs:StartMessageMoveTask", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:SendMessage"},

	// Starting an instance whose EBS volumes use a customer managed key
	// needs a grant on the key (the Instance Scheduler's most repeated
	// failure, see DESIGN.md).
	"ec2.StartInstances": {"ec2:StartInstances", "kms:CreateGrant"},

	// A SecureString is decrypted with its KMS key as the caller (the
	// Slack token, read WithDecryption).
	"ssm.GetParameter": {"ssm:GetParameter", "kms:Decrypt"},
	// A backup selection names the role AWS Backup uses.
	"backup.CreateBackupSelection": {"backup:CreateBackupSelection", "iam:PassRole"},
	// Delivery status logging names the role SNS writes logs with.
	"sns.SetTopicAttributes": {"sns:SetTopicAttributes", "iam:PassRole"},
	// An event subscription created with tags tags it.
	"rds.CreateEventSubscription": {"rds:CreateEventSubscription", "rds:AddTagsToResource"},
	// A vault is bound to its KMS key when it is created.
	"backup.CreateBackupVault": {"backup:CreateBackupVault", "backup-storage:MountCapsule", "kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt", "kms:RetireGrant", "kms:DescribeKey"},
}

// apiGatewayVerbs maps an API Gateway operation's leading verb to the HTTP
// verb its IAM action is named after (apigateway:GET on /restapis, …).
var apiGatewayVerbs = map[string]string{
	"Get":    "GET",
	"Create": "POST",
	"Update": "PATCH",
	"Delete": "DELETE",
	"Put":    "PUT",
}

// call is one AWS operation the code can make, and where the code says so.
type call struct {
	pkg  string // SDK service package name, e.g. "ec2"
	op   string // operation, e.g. "DescribeInstances"
	at   string // e.g. "shutdown.EC2API (shutdown/aws.go:14)"
	from string // the opsd package that makes it, e.g. "shutdown"
}

// hubPackages are the opsd packages whose AWS calls opsd makes with its
// own role, in its own account: assuming member roles and listing the
// organization's accounts (accounts), reading the Slack token (notify,
// daemon), the leader lease and the state table (lease, state, daemon).
// Every other package's calls are made in each member account, with the
// role opsd assumes there.
var hubPackages = map[string]bool{
	"accounts": true,
	"daemon":   true,
	"lease":    true,
	"notify":   true,
	"state":    true,
}

func TestPolicyMatchesCode(t *testing.T) {
	calls := codeCalls(t)
	if len(calls) == 0 {
		t.Fatal("found no AWS SDK operations in the module; the scan is broken")
	}

	// needed maps the lower-cased IAM action to its spelling and the calls
	// that need it.
	type need struct {
		action string
		by     []string
	}
	needed := map[string]*need{}
	var unmapped []string
	for _, c := range calls {
		actions, err := iamActions(c.pkg, c.op)
		if err != nil {
			unmapped = append(unmapped, fmt.Sprintf("  %s.%s at %s: %v", c.pkg, c.op, c.at, err))
			continue
		}
		for _, a := range actions {
			k := strings.ToLower(a)
			if needed[k] == nil {
				needed[k] = &need{action: a}
			}
			needed[k].by = append(needed[k].by, c.pkg+"."+c.op+" in "+c.at)
		}
	}
	if len(unmapped) > 0 {
		sort.Strings(unmapped)
		t.Errorf("no IAM action known for these AWS operations; add the SDK package to servicePrefixes or the operation to actionExceptions in deploy/iam/policy_test.go:\n%s", strings.Join(unmapped, "\n"))
	}

	allowed := map[string]string{}
	for _, f := range policydoc.Files {
		for _, a := range policyActions(t, f.Name) {
			allowed[strings.ToLower(a)] = a
		}
	}

	var missing, extra []string
	for k, n := range needed {
		if _, ok := allowed[k]; !ok {
			by := uniqueSorted(n.by)
			missing = append(missing, fmt.Sprintf("  %-40s needed by %s", n.action, strings.Join(by, "; ")))
		}
	}
	for k, a := range allowed {
		if _, ok := needed[k]; !ok {
			extra = append(extra, "  "+a)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("no policy in deploy/iam allows these actions the code needs; add them to a statement (with the narrowest Resource and Condition that work) of opsd-policy.json when a hub package (%s) needs them, else of a member-*-policy.json:\n%s", strings.Join(sortedKeys(hubPackages), ", "), strings.Join(missing, "\n"))
	}
	if len(extra) > 0 {
		t.Errorf("the policies in deploy/iam allow these actions no code calls; remove them (or, if a call needs an action named differently, map it in actionExceptions in deploy/iam/policy_test.go):\n%s", strings.Join(extra, "\n"))
	}
	if !t.Failed() {
		var all []string
		for _, n := range needed {
			all = append(all, n.action)
		}
		sort.Strings(all)
		t.Logf("policy allows exactly the %d actions the code needs: %s", len(all), strings.Join(all, ", "))
	}
}

// iamActions returns the IAM actions the operation op of SDK package pkg
// needs.
func iamActions(pkg, op string) ([]string, error) {
	if actions, ok := actionExceptions[pkg+"."+op]; ok {
		return actions, nil
	}
	prefix, ok := servicePrefixes[pkg]
	if !ok {
		return nil, fmt.Errorf("unknown IAM service prefix for SDK package %q", pkg)
	}
	if prefix == "apigateway" {
		for verb, method := range apiGatewayVerbs {
			if strings.HasPrefix(op, verb) {
				return []string{"apigateway:" + method}, nil
			}
		}
		return nil, fmt.Errorf("API Gateway actions are HTTP verbs; no verb known for %q", op)
	}
	return []string{prefix + ":" + op}, nil
}

// codeCalls loads every non-test package of the module and returns the AWS
// operations it can call: the methods of interfaces asserted against an SDK
// client (`var _ I = (*svc.Client)(nil)`), the SDK operations of every
// interface it declares, and SDK operations it calls or refers to directly.
func codeCalls(t *testing.T) []call {
	t.Helper()
	scan.Do(func() {
		scan.calls, scan.err = loadCalls()
	})
	if scan.err != nil {
		t.Fatal(scan.err)
	}
	return scan.calls
}

// scan holds the module's calls, loaded once for every test of the
// package.
var scan struct {
	sync.Once
	calls []call
	err   error
}

func loadCalls() ([]call, error) {
	root, err := filepath.Abs(moduleRoot)
	if err != nil {
		return nil, err
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo,
		Dir:   root,
		Tests: false,
	}
	pkgs, err := packages.Load(cfg, modulePath+"/...")
	if err != nil {
		return nil, fmt.Errorf("load %s/...: %w", modulePath, err)
	}
	var loadErrs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			loadErrs = append(loadErrs, "  "+strings.ReplaceAll(e.Error(), root+string(filepath.Separator), ""))
		}
	})
	if len(loadErrs) > 0 {
		return nil, fmt.Errorf("the module does not load, so its AWS calls cannot be checked:\n%s", strings.Join(uniqueSorted(loadErrs), "\n"))
	}

	var calls []call
	for _, p := range pkgs {
		if skipPackage(p) {
			continue
		}
		first := len(calls)
		where := func(pos token.Pos) string {
			position := p.Fset.Position(pos)
			rel, err := filepath.Rel(root, position.Filename)
			if err != nil {
				rel = position.Filename
			}
			return fmt.Sprintf("%s:%d", filepath.ToSlash(rel), position.Line)
		}
		// Interfaces asserted against an SDK client.
		for _, f := range p.Syntax {
			for _, decl := range f.Decls {
				gen, ok := decl.(*ast.GenDecl)
				if !ok || gen.Tok != token.VAR {
					continue
				}
				for _, spec := range gen.Specs {
					vs := spec.(*ast.ValueSpec)
					if vs.Type == nil {
						continue
					}
					for i, name := range vs.Names {
						if name.Name != "_" || i >= len(vs.Values) {
							continue
						}
						if !isSDKClient(p.TypesInfo.TypeOf(vs.Values[i])) {
							continue
						}
						declared := p.TypesInfo.TypeOf(vs.Type)
						if named, ok := types.Unalias(declared).(*types.Named); ok && named.Obj().Pkg() == p.Types {
							continue // this package's own interface: listed below
						}
						iface, ok := declared.Underlying().(*types.Interface)
						if !ok {
							continue
						}
						label := fmt.Sprintf("%s: %s asserted at %s", p.Name, types.ExprString(vs.Type), where(name.Pos()))
						calls = append(calls, interfaceCalls(iface, label)...)
					}
				}
			}
		}
		// Interfaces the package declares (normally asserted against their
		// client as well).
		scope := p.Types.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			iface, ok := tn.Type().Underlying().(*types.Interface)
			if !ok {
				continue
			}
			label := fmt.Sprintf("%s.%s (%s)", p.Name, name, where(tn.Pos()))
			calls = append(calls, interfaceCalls(iface, label)...)
		}
		// Operations called or referred to directly.
		for sel, s := range p.TypesInfo.Selections {
			fn, ok := s.Obj().(*types.Func)
			if !ok {
				continue
			}
			if pkg, op, ok := sdkOperation(fn); ok {
				calls = append(calls, call{pkg: pkg, op: op, at: fmt.Sprintf("%s (%s)", p.Name, where(sel.Sel.Pos()))})
			}
		}
		from := strings.TrimPrefix(p.PkgPath, modulePath+"/")
		for i := first; i < len(calls); i++ {
			calls[i].from = from
		}
	}
	return calls, nil
}

// skipPackage reports whether p is test or demo support rather than opsd:
// the moto harness, the demo's emulator front, and any package named like
// httptest or slacktest.
func skipPackage(p *packages.Package) bool {
	return p.PkgPath == modulePath+"/internal/mototest" ||
		strings.HasPrefix(p.PkgPath, modulePath+"/internal/mototest/") ||
		strings.HasPrefix(p.PkgPath, modulePath+"/demo/") ||
		strings.HasSuffix(p.Name, "test")
}

// isSDKClient reports whether t is an AWS SDK service client, *svc.Client
// or svc.Client.
func isSDKClient(t types.Type) bool {
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Name() != "Client" || named.Obj().Pkg() == nil {
		return false
	}
	_, ok = servicePackage(named.Obj().Pkg().Path())
	return ok
}

// interfaceCalls returns the SDK operations in iface's method set, embedded
// interfaces included.
func interfaceCalls(iface *types.Interface, label string) []call {
	var out []call
	for i := 0; i < iface.NumMethods(); i++ {
		if pkg, op, ok := sdkOperation(iface.Method(i)); ok {
			out = append(out, call{pkg: pkg, op: op, at: label})
		}
	}
	return out
}

// sdkOperation reports whether fn has the shape of an AWS SDK operation,
// Op(ctx, *svc.OpInput, ...func(*svc.Options)) (*svc.OpOutput, error), and
// returns the service package name and the operation.
func sdkOperation(fn *types.Func) (pkg, op string, ok bool) {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || !sig.Variadic() || sig.Params().Len() != 3 || sig.Results().Len() != 2 {
		return "", "", false
	}
	ptr, ok := sig.Params().At(1).Type().(*types.Pointer)
	if !ok {
		return "", "", false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Name() != fn.Name()+"Input" {
		return "", "", false
	}
	pkg, ok = servicePackage(named.Obj().Pkg().Path())
	if !ok {
		return "", "", false
	}
	return pkg, fn.Name(), true
}

// servicePackage returns <name> for github.com/aws/aws-sdk-go-v2/service/<name>.
func servicePackage(path string) (string, bool) {
	name, ok := strings.CutPrefix(path, sdkServicePrefix)
	if !ok || name == "" || strings.Contains(name, "/") || name == "internal" {
		return "", false
	}
	return name, true
}

// readPolicy parses an IAM policy file of this directory strictly:
// unknown elements are errors.
func readPolicy(t *testing.T, file string) policydoc.Document {
	t.Helper()
	doc, err := policydoc.Read(file)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2012-10-17" {
		t.Errorf("%s: Version is %q, want 2012-10-17", file, doc.Version)
	}
	if len(doc.Statement) == 0 {
		t.Errorf("%s has no statements", file)
	}
	return doc
}

var actionPattern = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+$`)

// policyActions validates the identity policy file and returns every
// action it allows.
func policyActions(t *testing.T, file string) []string {
	t.Helper()
	doc := readPolicy(t, file)
	sids := map[string]bool{}
	var actions []string
	for i, st := range doc.Statement {
		name := fmt.Sprintf("%s statement %d (%s)", file, i, st.Sid)
		if st.Sid == "" {
			t.Errorf("%s: no Sid; the templates' copies are matched by Sid", name)
		} else {
			if sids[st.Sid] {
				t.Errorf("%s: Sid repeated", name)
			}
			sids[st.Sid] = true
			if strings.IndexFunc(st.Sid, func(r rune) bool { return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) }) >= 0 {
				t.Errorf("%s: Sid must be letters and digits only", name)
			}
		}
		if st.Effect != "Allow" {
			t.Errorf("%s: Effect is %q, want Allow", name, st.Effect)
		}
		if len(st.Principal) > 0 {
			t.Errorf("%s: an identity policy has no Principal", name)
		}
		if len(st.NotAction) > 0 || len(st.NotResource) > 0 {
			t.Errorf("%s: NotAction and NotResource grant too much; list actions and resources", name)
		}
		if len(st.Action) == 0 {
			t.Errorf("%s: no Action", name)
		}
		if len(st.Resource) == 0 {
			t.Errorf("%s: no Resource", name)
		}
		for _, r := range st.Resource {
			if r != "*" && !strings.HasPrefix(r, "arn:") {
				t.Errorf("%s: Resource %q is neither * nor an ARN", name, r)
			}
		}
		for _, a := range st.Action {
			if !actionPattern.MatchString(a) {
				t.Errorf("%s: Action %q is not service:Operation (no wildcards: list each action)", name, a)
				continue
			}
			actions = append(actions, a)
		}
	}
	// A managed policy holds at most 6,144 characters, whitespace excluded.
	b, _ := os.ReadFile(file)
	if n := len(strings.Join(strings.Fields(string(b)), "")); n > 6144 {
		t.Errorf("%s is %d characters without whitespace; a managed policy holds at most 6144 (split it)", file, n)
	}
	return actions
}

// TestPolicySplit checks that each action is in the policy of the role
// that makes the call: the hub packages' calls in opsd-policy.json (opsd's
// own role), every other package's in the member policies (the role opsd
// assumes in each member account), and nothing in a file that no call made
// with its role needs.
func TestPolicySplit(t *testing.T) {
	need := map[policydoc.Role]map[string][]string{policydoc.Hub: {}, policydoc.Member: {}}
	for _, c := range codeCalls(t) {
		actions, err := iamActions(c.pkg, c.op)
		if err != nil {
			continue // TestPolicyMatchesCode names it
		}
		role := policydoc.Member
		if hubPackages[strings.SplitN(c.from, "/", 2)[0]] {
			role = policydoc.Hub
		}
		for _, a := range actions {
			need[role][strings.ToLower(a)] = append(need[role][strings.ToLower(a)], c.pkg+"."+c.op+" in "+c.from)
		}
	}
	type place struct{ file, action string }
	allowed := map[policydoc.Role]map[string]place{policydoc.Hub: {}, policydoc.Member: {}}
	for _, f := range policydoc.Files {
		for _, a := range policyActions(t, f.Name) {
			allowed[f.Role][strings.ToLower(a)] = place{f.Name, a}
		}
	}
	for _, role := range []policydoc.Role{policydoc.Hub, policydoc.Member} {
		for _, a := range sortedKeys(need[role]) {
			if _, ok := allowed[role][a]; !ok {
				t.Errorf("%s is needed with the %s role (by %s) but no %s policy allows it", a, role, strings.Join(uniqueSorted(need[role][a]), "; "), role)
			}
		}
		for _, a := range sortedKeys(allowed[role]) {
			if _, ok := need[role][a]; !ok {
				t.Errorf("%s allows %s, which no call made with the %s role needs", allowed[role][a].file, allowed[role][a].action, role)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestMemberRoleTrustPolicy(t *testing.T) {
	doc := readPolicy(t, trustFile)
	var found bool
	for i, st := range doc.Statement {
		name := fmt.Sprintf("%s statement %d (%s)", trustFile, i, st.Sid)
		if st.Effect != "Allow" {
			t.Errorf("%s: Effect is %q, want Allow", name, st.Effect)
		}
		if len(st.Principal) == 0 {
			t.Errorf("%s: a trust policy names its Principal", name)
		}
		if len(st.Resource) > 0 {
			t.Errorf("%s: a trust policy has no Resource", name)
		}
		for _, a := range st.Action {
			if a != "sts:AssumeRole" {
				continue
			}
			found = true
			if len(st.Condition["StringEquals"]["sts:ExternalId"]) == 0 {
				t.Errorf("%s: sts:AssumeRole without a StringEquals sts:ExternalId condition", name)
			}
			// The principal is opsd's account, and the condition its role:
			// a role deleted and made again is still trusted, which a
			// role principal (kept as the old role's unique id) is not.
			if len(st.Condition["ArnEquals"]["aws:PrincipalArn"]) == 0 {
				t.Errorf("%s: sts:AssumeRole without an ArnEquals aws:PrincipalArn condition naming opsd's role", name)
			}
		}
	}
	if !found {
		t.Errorf("%s allows no sts:AssumeRole", trustFile)
	}
}

// TestActionMapping pins the mapping rules the policy test relies on.
func TestActionMapping(t *testing.T) {
	cases := []struct {
		pkg, op string
		want    []string
	}{
		{"sts", "AssumeRole", []string{"sts:AssumeRole"}},
		{"sts", "GetCallerIdentity", nil},
		{"organizations", "ListAccounts", []string{"organizations:ListAccounts"}},
		{"cloudwatchlogs", "PutRetentionPolicy", []string{"logs:PutRetentionPolicy"}},
		{"elasticloadbalancingv2", "DescribeLoadBalancers", []string{"elasticloadbalancing:DescribeLoadBalancers"}},
		{"resourcegroupstaggingapi", "GetResources", []string{"tag:GetResources"}},
		{"s3", "ListObjectsV2", []string{"s3:ListBucket"}},
		{"s3", "HeadObject", []string{"s3:GetObject"}},
		{"sqs", "DeleteMessageBatch", []string{"sqs:DeleteMessage"}},
		{"apigateway", "GetRestApis", []string{"apigateway:GET"}},
	}
	for _, tc := range cases {
		got, err := iamActions(tc.pkg, tc.op)
		if err != nil {
			t.Errorf("iamActions(%s, %s): %v", tc.pkg, tc.op, err)
			continue
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("iamActions(%s, %s) = %v, want %v", tc.pkg, tc.op, got, tc.want)
		}
	}
	if _, err := iamActions("madeupservice", "DoThing"); err == nil {
		t.Error("iamActions of an unknown SDK package: no error")
	}
}

func uniqueSorted(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
