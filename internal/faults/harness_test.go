package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/opsdbin"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// This file is the harness of the end-to-end tests: they build the real
// opsd binary, run it as a process against moto through a fault proxy,
// and check moto's state, the proxy's records and the Slack messages.

// testSeed is FAULTS_SEED when set, else the clock; it is logged so a
// failing run can be repeated.
func testSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FAULTS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FAULTS_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("fault seed %d (repeat with FAULTS_SEED=%d)", seed, seed)
	return seed
}

// opsdEnv is the environment of an opsd process: the static test
// credentials and nothing else from the machine's AWS setup.
func opsdEnv(t *testing.T) []string {
	none := filepath.Join(t.TempDir(), "none")
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"AWS_ACCESS_KEY_ID=" + mototest.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + mototest.SecretAccessKey,
		"AWS_CONFIG_FILE=" + none, "AWS_SHARED_CREDENTIALS_FILE=" + none, "AWS_EC2_METADATA_DISABLED=true",
	}
	return env
}

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "opsd.yaml")
	if err := os.WriteFile(path, []byte(opsdbin.WithState(t, content)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// onceRun is one `opsd run --once` process.
type onceRun struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

// runOnce runs `opsd run --once --now now --only shutdown` and waits for
// it; a process that does not end within limit is killed and fails t.
func runOnce(t *testing.T, bin, config, now string, limit time.Duration) onceRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "run", "--once", "--config", config, "--now", now, "--only", "shutdown")
	cmd.Env = opsdEnv(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := onceRun{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		t.Fatalf("opsd run --once did not end within %s:\n%s\n%s", limit, r.stdout, r.stderr)
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("run opsd: %v", err)
	}
	return r
}

// crashed reports a process that did not end as opsd ends: exit 0 or 1,
// no panic, no Go runtime fatal error.
func (r onceRun) crashed() string {
	out := r.stdout + r.stderr
	switch {
	case r.code != 0 && r.code != 1:
		return fmt.Sprintf("exit code %d", r.code)
	case strings.Contains(out, "panic"):
		return "panic in output"
	case strings.Contains(out, "fatal error:") || strings.Contains(out, "goroutine "):
		return "go runtime failure in output"
	}
	return ""
}

// errorLines are the run report's "  error: …" lines.
func (r onceRun) errorLines() []string {
	var out []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "  error: ") {
			out = append(out, strings.TrimPrefix(l, "  error: "))
		}
	}
	return out
}

// target is one account and region.
type target struct{ account, region string }

func (t target) String() string { return t.account + "/" + t.region }

// phrase is how opsd names a target in errors: "account A region R".
func (t target) phrase() string { return "account " + t.account + " region " + t.region }

// moto gives direct access to moto in any account, bypassing the proxy.
type moto struct {
	srv *mototest.Server
	mu  sync.Mutex
	cfg map[target]aws.Config
}

// config returns SDK configuration acting in account and region: the
// credentials of an AssumeRole into account's role opsd.
func (m *moto) config(t *testing.T, tg target) aws.Config {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if cfg, ok := m.cfg[tg]; ok {
		return cfg
	}
	base := m.srv.Config(tg.region)
	out, err := sts.NewFromConfig(base).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(roleARN(tg.account)), RoleSessionName: aws.String("faults-test")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	base.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	if m.cfg == nil {
		m.cfg = map[target]aws.Config{}
	}
	m.cfg[tg] = base
	return base
}

func roleARN(account string) string { return "arn:aws:iam::" + account + ":role/opsd" }

// instance is what the tests read of an EC2 instance.
type instance struct {
	id, state string
	tags      map[string]string
}

// launch starts n instances with tags in tg and returns their ids.
func (m *moto) launch(t *testing.T, tg target, n int, tags map[string]string) []string {
	t.Helper()
	spec := ec2types.TagSpecification{ResourceType: ec2types.ResourceTypeInstance}
	for k, v := range tags {
		spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	out, err := ec2.NewFromConfig(m.config(t, tg)).RunInstances(context.Background(), &ec2.RunInstancesInput{
		ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(int32(n)), MaxCount: aws.Int32(int32(n)),
		InstanceType: ec2types.InstanceTypeT3Micro, TagSpecifications: []ec2types.TagSpecification{spec}})
	if err != nil {
		t.Fatalf("launch instances in %s: %v", tg, err)
	}
	var ids []string
	for _, i := range out.Instances {
		ids = append(ids, aws.ToString(i.InstanceId))
	}
	return ids
}

// instances returns every instance in tg by id.
func (m *moto) instances(t *testing.T, tg target) map[string]instance {
	t.Helper()
	out, err := ec2.NewFromConfig(m.config(t, tg)).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatalf("describe instances in %s: %v", tg, err)
	}
	got := map[string]instance{}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			in := instance{id: aws.ToString(i.InstanceId), state: string(i.State.Name), tags: map[string]string{}}
			for _, tag := range i.Tags {
				in.tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
			}
			got[in.id] = in
		}
	}
	return got
}

// accountsYAML is the aws.accounts list for accounts, each through its
// role opsd.
func accountsYAML(accounts []string) string {
	var b strings.Builder
	for _, a := range accounts {
		fmt.Fprintf(&b, "    - {role_arn: %q}\n", roleARN(a))
	}
	return b.String()
}

// syncBuffer is a bytes.Buffer safe for a process's output and a test
// reading it at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
