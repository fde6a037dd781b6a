package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/internal/mototest"
)

const (
	home   = "eu-west-2"
	member = "222222222222"
)

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

// assumeRoleSpy records the AssumeRole requests passing through a proxy in
// front of a freshly reset moto.
type assumeRoleSpy struct {
	mu    sync.Mutex
	calls []assumeRoleCall
}

type assumeRoleCall struct{ RoleArn, ExternalID, SessionName string }

func (s *assumeRoleSpy) all() []assumeRoleCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]assumeRoleCall(nil), s.calls...)
}

func setup(t *testing.T) (*mototest.Proxy, *assumeRoleSpy) {
	t.Helper()
	srv := mototest.Shared(t)
	srv.Reset(t)
	proxy := mototest.NewProxy(t, srv.URL())
	spy := &assumeRoleSpy{}
	proxy.Handle("AssumeRole", func(w http.ResponseWriter, r *http.Request) {
		spy.mu.Lock()
		spy.calls = append(spy.calls, assumeRoleCall{r.FormValue("RoleArn"), r.FormValue("ExternalId"), r.FormValue("RoleSessionName")})
		spy.mu.Unlock()
		proxy.Forward(w, r)
	})
	return proxy, spy
}

// callerAccount is the account a target's credentials act in.
func callerAccount(ctx context.Context, tg accounts.Target) (string, error) {
	out, err := sts.NewFromConfig(tg.Config).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Account), nil
}

func names(ts []accounts.Target) []string {
	var out []string
	for _, tg := range ts {
		out = append(out, tg.String())
	}
	return out
}

func TestNoAccountsMeansTheCurrentAccount(t *testing.T) {
	proxy, spy := setup(t)
	ctx := context.Background()
	r := &accounts.Resolver{Base: proxy.Config(home), Regions: []string{home, "us-east-1"}}
	got, err := r.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{mototest.DefaultAccountID + "/" + home, mototest.DefaultAccountID + "/us-east-1"}
	if !slices.Equal(names(got), want) {
		t.Fatalf("targets = %q, want %q", names(got), want)
	}
	for _, tg := range got {
		if tg.Config.Region != tg.Region {
			t.Errorf("%s: config region %q", tg, tg.Config.Region)
		}
		if acct, err := callerAccount(ctx, tg); err != nil || acct != mototest.DefaultAccountID {
			t.Errorf("%s: calls land in %q (%v)", tg, acct, err)
		}
	}
	if len(spy.all()) != 0 {
		t.Errorf("AssumeRole called %v, want never", spy.all())
	}
}

func TestAccountRoleIsAssumedLazilyOncePerAccount(t *testing.T) {
	proxy, spy := setup(t)
	ctx := context.Background()
	r := &accounts.Resolver{
		Base:    proxy.Config(home),
		Regions: []string{home, "eu-west-1"},
		Accounts: []accounts.Account{
			{ID: member, RoleARN: "arn:aws:iam::" + member + ":role/x", ExternalID: "ext-42"},
			{ID: mototest.DefaultAccountID},
		},
	}
	got, err := r.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(spy.all()) != 0 {
		t.Fatal("Targets assumed roles; credentials must be assumed on first use")
	}
	if len(got) != 4 {
		t.Fatalf("targets = %q, want 2 accounts × 2 regions", names(got))
	}
	for _, tg := range got {
		acct, err := callerAccount(ctx, tg)
		if err != nil {
			t.Fatalf("%s: get caller identity: %v", tg, err)
		}
		if acct != tg.Account {
			t.Errorf("%s: calls land in account %s", tg, acct)
		}
	}
	want := []assumeRoleCall{{"arn:aws:iam::" + member + ":role/x", "ext-42", "opsd"}}
	if calls := spy.all(); !slices.Equal(calls, want) {
		t.Errorf("AssumeRole calls = %+v, want %+v (one per account, shared by its regions)", calls, want)
	}
}

func TestAssumedRoleActsInTheMemberAccount(t *testing.T) {
	proxy, _ := setup(t)
	ctx := context.Background()
	r := &accounts.Resolver{
		Base:     proxy.Config(home),
		Regions:  []string{home},
		Accounts: []accounts.Account{{ID: member, RoleARN: "arn:aws:iam::" + member + ":role/x"}},
	}
	got, err := r.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inMember := ssm.NewFromConfig(got[0].Config)
	if _, err := inMember.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/where"), Value: aws.String("member"), Type: ssmtypes.ParameterTypeString}); err != nil {
		t.Fatalf("put parameter in member account: %v", err)
	}
	if out, err := inMember.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/where")}); err != nil || aws.ToString(out.Parameter.Value) != "member" {
		t.Fatalf("get parameter in member account: %v", err)
	}
	_, err = ssm.NewFromConfig(proxy.Config(home)).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/where")})
	var notFound *ssmtypes.ParameterNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("parameter visible from the base account: err = %v", err)
	}
}

func TestRoleThatCannotBeAssumedFailsOnlyItsAccount(t *testing.T) {
	proxy, _ := setup(t)
	ctx := context.Background()
	denied := "333333333333"
	proxy.Handle("AssumeRole", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("RoleArn") == "arn:aws:iam::"+denied+":role/x" {
			mototest.WriteError(w, r, http.StatusForbidden, "AccessDenied", "not authorized to perform sts:AssumeRole")
			return
		}
		proxy.Forward(w, r)
	})
	r := &accounts.Resolver{
		Base:    proxy.Config(home),
		Regions: []string{home},
		Accounts: []accounts.Account{
			{ID: member, RoleARN: "arn:aws:iam::" + member + ":role/x"},
			{ID: denied, RoleARN: "arn:aws:iam::" + denied + ":role/x"},
		},
	}
	got, err := r.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	errs := accounts.FanOut{Limit: 2}.Run(ctx, "whoami", got, func(ctx context.Context, tg accounts.Target) error {
		acct, err := callerAccount(ctx, tg)
		if err == nil && acct != tg.Account {
			err = fmt.Errorf("landed in %s", acct)
		}
		return err
	})
	if failed := targetErrors(t, errs); !slices.Equal(failed, []string{denied}) {
		t.Fatalf("failed accounts = %v (%v), want only %s", failed, errs, denied)
	}
}

// A role that cannot be assumed fails each of its targets once, before
// the target's work starts: the work would otherwise make every one of its
// calls fail with the same AssumeRole error, and a summary listing them
// grows past what Slack shows.
func TestRoleThatCannotBeAssumedFailsBeforeTheWork(t *testing.T) {
	proxy, _ := setup(t)
	ctx := context.Background()
	denied := "333333333333"
	proxy.Handle("AssumeRole", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("RoleArn") == "arn:aws:iam::"+denied+":role/x" {
			mototest.WriteError(w, r, http.StatusForbidden, "AccessDenied", "not authorized to perform sts:AssumeRole")
			return
		}
		proxy.Forward(w, r)
	})
	r := &accounts.Resolver{
		Base:    proxy.Config(home),
		Regions: []string{home, "eu-west-1"},
		Accounts: []accounts.Account{
			{ID: member, RoleARN: "arn:aws:iam::" + member + ":role/x"},
			{ID: denied, RoleARN: "arn:aws:iam::" + denied + ":role/x"},
		},
	}
	got, err := r.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	worked := map[string]int{}
	errs := accounts.FanOut{Limit: 4}.Run(ctx, "work", got, func(ctx context.Context, tg accounts.Target) error {
		mu.Lock()
		worked[tg.Account]++
		mu.Unlock()
		return nil
	})
	if failed := targetErrors(t, errs); !slices.Equal(failed, []string{denied, denied}) {
		t.Fatalf("failed accounts = %v (%v), want %s in both regions", failed, errs, denied)
	}
	for _, err := range errs {
		if msg := err.Error(); !strings.Contains(msg, "get credentials") || !strings.Contains(msg, "AccessDenied") || strings.Count(msg, "AccessDenied") != 1 {
			t.Errorf("error %q: want one AccessDenied from getting credentials", msg)
		}
	}
	if worked[denied] != 0 || worked[member] != 2 {
		t.Errorf("work ran %v; want twice in %s and never in %s", worked, member, denied)
	}
}

// organization creates an organization managed by moto's default account
// with three member accounts and returns the members' ids, sorted.
func organization(t *testing.T, cfg aws.Config) []string {
	t.Helper()
	ctx := context.Background()
	orgs := organizations.NewFromConfig(cfg)
	if _, err := orgs.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatalf("create organization: %v", err)
	}
	var ids []string
	for i := range 3 {
		out, err := orgs.CreateAccount(ctx, &organizations.CreateAccountInput{
			AccountName: aws.String(fmt.Sprintf("member-%d", i)),
			Email:       aws.String(fmt.Sprintf("member-%d@example.com", i)),
		})
		if err != nil {
			t.Fatalf("create account: %v", err)
		}
		if out.CreateAccountStatus.State != orgtypes.CreateAccountStateSucceeded {
			t.Fatalf("create account: state %s", out.CreateAccountStatus.State)
		}
		ids = append(ids, aws.ToString(out.CreateAccountStatus.AccountId))
	}
	sort.Strings(ids)
	return ids
}

func TestOrganizationListsActiveMemberAccounts(t *testing.T) {
	proxy, spy := setup(t)
	ctx := context.Background()
	base := proxy.Config(home)
	members := organization(t, base)
	excluded, closed := members[1], members[2]
	orgs := organizations.NewFromConfig(base)
	if _, err := orgs.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(closed)}); err != nil {
		t.Fatalf("close account: %v", err)
	}

	r := &accounts.Resolver{
		Base:    base,
		Regions: []string{home},
		Organization: &accounts.Organization{
			RoleName: "OpsdMember", ExternalID: "org-ext", Exclude: []string{excluded},
		},
	}
	got, err := r.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantAccounts := []string{mototest.DefaultAccountID, members[0]}
	sort.Strings(wantAccounts)
	var gotAccounts []string
	for _, tg := range got {
		gotAccounts = append(gotAccounts, tg.Account)
	}
	if !slices.Equal(gotAccounts, wantAccounts) {
		t.Fatalf("accounts = %v, want %v (management + active, not excluded %s nor closed %s)", gotAccounts, wantAccounts, excluded, closed)
	}
	for _, tg := range got {
		acct, err := callerAccount(ctx, tg)
		if err != nil || acct != tg.Account {
			t.Errorf("%s: calls land in %q (%v)", tg, acct, err)
		}
	}
	want := []assumeRoleCall{{"arn:aws:iam::" + members[0] + ":role/OpsdMember", "org-ext", "opsd"}}
	if calls := spy.all(); !slices.Equal(calls, want) {
		t.Errorf("AssumeRole calls = %+v, want %+v (none for the caller's own account)", calls, want)
	}
}

func TestResolverRefusesAnAccountWithoutRoleThatIsNotTheCaller(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	cfg := srv.Config("eu-west-2")
	r := &accounts.Resolver{Base: cfg, Regions: []string{"eu-west-2"}, Accounts: []accounts.Account{{ID: "222222222222"}}}
	if _, err := r.Targets(context.Background()); err == nil || !strings.Contains(err.Error(), "account 222222222222 has no role_arn") {
		t.Fatalf("Targets = %v, want a refusal naming the account", err)
	}
	r.Accounts = []accounts.Account{{ID: mototest.DefaultAccountID}}
	if targets, err := r.Targets(context.Background()); err != nil || len(targets) != 1 {
		t.Fatalf("the caller's own account without a role: %v %v", targets, err)
	}
}
