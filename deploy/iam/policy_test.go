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
	"pricing":                  "pricing",
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

	// A backup selection names the role AWS Backup uses.
	"backup.CreateBackupSelection": {"backup:CreateBackupSelection", "iam:PassRole"},
	// Delivery status logging names the role SNS writes logs with.
	"sns.SetTopicAttributes": {"sns:SetTopicAttributes", "iam:PassRole"},
	// An event subscription created with tags tags it.
	"rds.CreateEventSubscription": {"rds:CreateEventSubscription", "rds:AddTagsToResource"},
	// A vault's storage is mounted when it is created.
	"backup.CreateBackupVault": {"backup:CreateBackupVault", "backup-storage:MountCapsule"},
}

// kmsUse lists the operations that use a KMS key as the caller when the
// resource is encrypted with a customer managed key, keyed by "<sdk
// package>.<Operation>": the service the key is used through (the
// kms:ViaService the policies name) and the KMS actions. They are added to
// the operation's actions; TestKMSThroughService checks each role's KMS
// statements name exactly these services.
var kmsUse = map[string]kmsNeed{
	// A SecureString is decrypted with its key (the Slack token and the
	// PagerDuty routing key, read WithDecryption).
	"ssm.GetParameter": {"ssm", []string{"kms:Decrypt"}},
	// Starting an instance whose EBS volumes use a customer managed key
	// needs a grant on the key (the Instance Scheduler's most repeated
	// failure, see DESIGN.md).
	"ec2.StartInstances": {"ec2", []string{"kms:CreateGrant"}},
	// A vault is bound to its KMS key when it is created.
	"backup.CreateBackupVault": {"backup", []string{"kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt", "kms:RetireGrant", "kms:DescribeKey"}},
	// An SSE-KMS object is written with a new data key and read by
	// decrypting it (the archive with dlq.archive.kms_key_id, or a bucket
	// whose default encryption is SSE-KMS).
	"s3.PutObject": {"s3", []string{"kms:GenerateDataKey"}},
	"s3.GetObject": {"s3", []string{"kms:Decrypt"}},
	// A queue encrypted with a customer managed key: sending needs a data
	// key, receiving its decryption.
	"sqs.SendMessage":      {"sqs", []string{"kms:GenerateDataKey", "kms:Decrypt"}},
	"sqs.SendMessageBatch": {"sqs", []string{"kms:GenerateDataKey", "kms:Decrypt"}},
	"sqs.ReceiveMessage":   {"sqs", []string{"kms:Decrypt"}},
}

// kmsNeed is the KMS use of one operation.
type kmsNeed struct {
	via     string   // the service, as in kms:ViaService <via>.<region>.amazonaws.com
	actions []string // the KMS actions
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
// daemon), the leader lease and the state table (lease, state, daemon),
// the hub's events queue (events).
// Every other package's calls are made in each member account, with the
// role opsd assumes there.
var hubPackages = map[string]bool{
	"accounts": true,
	"daemon":   true,
	"events":   true,
	"lease":    true,
	"notify":   true,
	"state":    true,
}

// hubOperations are the operations made with opsd's own role whichever
// package makes them: the Price List, which opsd savings asks in us-east-1
// with its own credentials.
var hubOperations = map[string]bool{
	"pricing.GetProducts": true,
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
		t.Errorf("no policy in deploy/iam allows these actions the code needs; add them to a statement (with the narrowest Resource and Condition that work) of opsd-policy.json when a hub package (%s) needs them, of replay-policy.json when only dlq.Replay reaches the call, else of a member-*-policy.json:\n%s", strings.Join(sortedKeys(hubPackages), ", "), strings.Join(missing, "\n"))
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
	actions, err := ownActions(pkg, op)
	if err != nil {
		return nil, err
	}
	return append(actions, kmsUse[pkg+"."+op].actions...), nil
}

// ownActions returns the actions of op's own service that it needs.
func ownActions(pkg, op string) ([]string, error) {
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
	return scanned(t).calls
}

// scanned returns the module's calls and call sites, loaded once for every
// test of the package.
func scanned(t *testing.T) *moduleScan {
	t.Helper()
	scan.Do(func() {
		scan.res, scan.err = loadCalls()
	})
	if scan.err != nil {
		t.Fatal(scan.err)
	}
	return scan.res
}

var scan struct {
	sync.Once
	res *moduleScan
	err error
}

// moduleScan is what loadCalls finds in the module.
type moduleScan struct {
	// calls are the operations the code can call (see codeCalls).
	calls []call
	// sites are the places in a function's body that call an operation
	// (a method of the SDK's shape, or an SDK paginator's constructor).
	sites []site
	// edges are, by function (funcKey), the module's functions and methods
	// its body refers to.
	edges map[string][]string
	// decls are the module's functions and methods with a body.
	decls map[string]bool
}

// site is one call of an operation in a function's body.
type site struct {
	pkg, op string // as in call
	fn      string // the function whose body makes it (funcKey)
	at      string // file:line
}

// funcKey names a function or method across packages:
// "github.com/opsd-dev/opsd/dlq.Replay", "(*github.com/opsd-dev/opsd/dlq.sender).add".
func funcKey(fn *types.Func) string {
	return fn.Origin().FullName()
}

// paginatorName matches an SDK paginator's constructor, New<Op>Paginator.
var paginatorName = regexp.MustCompile(`^New([A-Z][A-Za-z0-9]*)Paginator$`)

// sdkPaginator reports whether fn is an SDK service package's paginator
// constructor, which calls the operation it is named after.
func sdkPaginator(fn *types.Func) (pkg, op string, ok bool) {
	if fn.Pkg() == nil || fn.Type().(*types.Signature).Recv() != nil {
		return "", "", false
	}
	pkg, ok = servicePackage(fn.Pkg().Path())
	m := paginatorName.FindStringSubmatch(fn.Name())
	if !ok || m == nil {
		return "", "", false
	}
	return pkg, m[1], true
}

func loadCalls() (*moduleScan, error) {
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
	res := &moduleScan{edges: map[string][]string{}, decls: map[string]bool{}}
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
		// Each function's call sites and the module functions it refers to.
		for _, f := range p.Syntax {
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				obj, ok := p.TypesInfo.Defs[fd.Name].(*types.Func)
				if !ok {
					continue
				}
				key := funcKey(obj)
				res.decls[key] = true
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					id, ok := n.(*ast.Ident)
					if !ok {
						return true
					}
					fn, ok := p.TypesInfo.Uses[id].(*types.Func)
					if !ok {
						return true
					}
					if pkg, op, ok := sdkOperation(fn); ok {
						res.sites = append(res.sites, site{pkg: pkg, op: op, fn: key, at: where(id.Pos())})
					} else if pkg, op, ok := sdkPaginator(fn); ok {
						res.sites = append(res.sites, site{pkg: pkg, op: op, fn: key, at: where(id.Pos())})
					} else if fn.Pkg() != nil && (fn.Pkg().Path() == modulePath || strings.HasPrefix(fn.Pkg().Path(), modulePath+"/")) {
						res.edges[key] = append(res.edges[key], funcKey(fn))
					}
					return true
				})
			}
		}
	}
	res.calls = calls
	return res, nil
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

// replayEntry is the function `opsd dlq replay` runs (cmd/opsd/dlq.go).
// The calls it reaches are made with the credentials of whoever runs the
// command, the replay role of replay-policy.json, not with opsd's roles.
const replayEntry = modulePath + "/dlq.Replay"

// replayReach returns the functions replayEntry reaches, and of those the
// ones nothing else reaches: no function of the daemon, and no other
// function of the command line but through replayEntry.
func replayReach(t *testing.T, ms *moduleScan) (reach, only map[string]bool) {
	t.Helper()
	if !ms.decls[replayEntry] {
		t.Fatalf("%s is not a function of the module: the replay's calls cannot be told from the daemon's; set replayEntry to what opsd dlq replay runs", replayEntry)
	}
	reach = reachFrom(ms.edges, []string{replayEntry}, "")
	var others []string
	for k := range ms.decls {
		if !reach[k] {
			others = append(others, k)
		}
	}
	rest := reachFrom(ms.edges, others, replayEntry)
	only = map[string]bool{}
	for k := range reach {
		if !rest[k] {
			only[k] = true
		}
	}
	return reach, only
}

// reachFrom returns the functions reachable from roots through edges,
// never entering stop.
func reachFrom(edges map[string][]string, roots []string, stop string) map[string]bool {
	seen := map[string]bool{}
	queue := append([]string(nil), roots...)
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		if seen[k] {
			continue
		}
		seen[k] = true
		for _, n := range edges[k] {
			if n != stop && !seen[n] {
				queue = append(queue, n)
			}
		}
	}
	return seen
}

// roles are the roles the policy files are for.
var roles = []policydoc.Role{policydoc.Hub, policydoc.Member, policydoc.Replay}

// roleNeeds returns, by role, the IAM actions (lower-cased) the calls made
// with that role need and what needs each; and the KMS uses, "kms:decrypt
// via s3". The hub packages' calls are made with opsd's own role, the
// other packages' with the member role, but an operation only the replay
// calls (every site of it reachable from replayEntry only) is left to the
// replay role; and every call the replay reaches needs the replay role.
func roleNeeds(t *testing.T) (actions, kms map[policydoc.Role]map[string][]string) {
	t.Helper()
	ms := scanned(t)
	reach, only := replayReach(t, ms)
	bySite := map[string][]site{}
	for _, s := range ms.sites {
		bySite[s.pkg+"."+s.op] = append(bySite[s.pkg+"."+s.op], s)
	}
	replayOnly := func(key string) bool {
		for _, s := range bySite[key] {
			if !only[s.fn] {
				return false
			}
		}
		return len(bySite[key]) > 0
	}
	actions = map[policydoc.Role]map[string][]string{}
	kms = map[policydoc.Role]map[string][]string{}
	for _, r := range roles {
		actions[r], kms[r] = map[string][]string{}, map[string][]string{}
	}
	add := func(role policydoc.Role, pkg, op, by string) {
		as, err := iamActions(pkg, op)
		if err != nil {
			return // TestPolicyMatchesCode names it
		}
		for _, a := range as {
			actions[role][strings.ToLower(a)] = append(actions[role][strings.ToLower(a)], by)
		}
		if k, ok := kmsUse[pkg+"."+op]; ok {
			for _, a := range k.actions {
				use := strings.ToLower(a) + " via " + k.via
				kms[role][use] = append(kms[role][use], by)
			}
		}
	}
	for _, c := range ms.calls {
		if replayOnly(c.pkg + "." + c.op) {
			continue
		}
		role := policydoc.Member
		if hubPackages[strings.SplitN(c.from, "/", 2)[0]] || hubOperations[c.pkg+"."+c.op] {
			role = policydoc.Hub
		}
		add(role, c.pkg, c.op, c.pkg+"."+c.op+" in "+c.from)
	}
	for _, s := range ms.sites {
		if reach[s.fn] {
			add(policydoc.Replay, s.pkg, s.op, s.pkg+"."+s.op+" at "+s.at)
		}
	}
	return actions, kms
}

// TestPolicySplit checks that each action is in the policy of the role
// that makes the call: the hub packages' calls in opsd-policy.json (opsd's
// own role), every other package's in the member policies (the role opsd
// assumes in each member account), the calls opsd dlq replay makes in
// replay-policy.json (whoever replays), and nothing in a file that no call
// made with its role needs. So sqs:SendMessage, which only the replay
// sends, is in no role of opsd's.
func TestPolicySplit(t *testing.T) {
	need, _ := roleNeeds(t)
	type place struct{ file, action string }
	allowed := map[policydoc.Role]map[string]place{}
	for _, r := range roles {
		allowed[r] = map[string]place{}
	}
	for _, f := range policydoc.Files {
		for _, a := range policyActions(t, f.Name) {
			allowed[f.Role][strings.ToLower(a)] = place{f.Name, a}
		}
	}
	for _, role := range roles {
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

// TestKMSThroughService checks each role's KMS statements: every one says
// which services it is used through (kms:ViaService), and together they
// allow exactly the KMS actions, through exactly the services, that the
// role's calls need (kmsUse). A key opsd's role may use through SQS for
// sending is then the replay's only.
func TestKMSThroughService(t *testing.T) {
	_, need := roleNeeds(t)
	allowed := map[policydoc.Role]map[string]string{}
	for _, r := range roles {
		allowed[r] = map[string]string{}
	}
	for _, f := range policydoc.Files {
		for _, st := range readPolicy(t, f.Name).Statement {
			var acts []string
			for _, a := range st.Action {
				if strings.HasPrefix(a, "kms:") {
					acts = append(acts, a)
				}
			}
			if len(acts) == 0 {
				continue
			}
			var vias []string
			for _, keys := range st.Condition {
				for _, v := range keys["kms:ViaService"] {
					vias = append(vias, strings.SplitN(v, ".", 2)[0])
				}
			}
			if len(vias) == 0 {
				t.Errorf("%s %s: %s without a kms:ViaService condition", f.Name, st.Sid, strings.Join(acts, ", "))
			}
			for _, a := range acts {
				for _, v := range vias {
					allowed[f.Role][strings.ToLower(a)+" via "+v] = f.Name + " " + st.Sid
				}
			}
		}
	}
	for _, role := range roles {
		for _, u := range sortedKeys(need[role]) {
			if _, ok := allowed[role][u]; !ok {
				t.Errorf("the %s role needs %s (for %s), which none of its KMS statements allows", role, u, strings.Join(uniqueSorted(need[role][u]), "; "))
			}
		}
		for _, u := range sortedKeys(allowed[role]) {
			if _, ok := need[role][u]; !ok {
				t.Errorf("%s allows %s, which no call made with the %s role needs", allowed[role][u], u, role)
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
		{"sqs", "SendMessageBatch", []string{"sqs:SendMessage", "kms:GenerateDataKey", "kms:Decrypt"}},
		{"ssm", "GetParameter", []string{"ssm:GetParameter", "kms:Decrypt"}},
		{"ec2", "StartInstances", []string{"ec2:StartInstances", "kms:CreateGrant"}},
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
