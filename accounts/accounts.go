// Package accounts turns opsd's account and region configuration into the
// list of targets a service acts on, and fans work out across them through a
// bounded worker pool.
package accounts

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Account is one AWS account opsd acts in.
type Account struct {
	// ID is the 12-digit account id.
	ID string
	// RoleARN is assumed to act in the account; empty means the base
	// credentials are used (the current account).
	RoleARN string
	// ExternalID is passed to AssumeRole when set.
	ExternalID string
}

// Organization lists the accounts of an AWS Organization.
type Organization struct {
	// RoleName is the role assumed in each member account.
	RoleName string
	// ExternalID is passed to AssumeRole when set.
	ExternalID string
	// Exclude lists account ids never acted in.
	Exclude []string
}

// Target is one account and region, with an SDK configuration whose
// credentials act in that account and whose region is that region.
type Target struct {
	Account string
	Region  string
	Config  aws.Config
}

// String names the target as account/region.
func (t Target) String() string { return t.Account + "/" + t.Region }

// STSAPI is the part of STS opsd calls.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	stscreds.AssumeRoleAPIClient
}

// OrganizationsAPI is the part of AWS Organizations opsd calls.
type OrganizationsAPI interface {
	organizations.ListAccountsAPIClient
}

var (
	_ STSAPI           = (*sts.Client)(nil)
	_ OrganizationsAPI = (*organizations.Client)(nil)
)

// Resolver lists targets from configuration.
type Resolver struct {
	// Base is the configuration built from the default credential chain.
	Base aws.Config
	// Regions to act in.
	Regions []string
	// Accounts to act in; empty (and no Organization) means the current
	// account with the base credentials.
	Accounts []Account
	// Organization, when set, lists every active member account instead.
	Organization *Organization
	// STS and Orgs are the clients used; nil builds them from Base.
	STS  STSAPI
	Orgs OrganizationsAPI
}

// Targets returns every account × region target, accounts in
// configuration order (organization accounts by id), regions in
// configuration order within each. Credentials are assumed lazily, on a target's first call, so one
// account whose role cannot be assumed fails only that account's work.
func (r *Resolver) Targets(ctx context.Context) ([]Target, error) {
	accts, err := r.accounts(ctx)
	if err != nil {
		return nil, err
	}
	stsClient := r.stsClient()
	var out []Target
	for _, a := range accts {
		cfg := r.Base.Copy()
		if a.RoleARN != "" {
			provider := stscreds.NewAssumeRoleProvider(stsClient, a.RoleARN, func(o *stscreds.AssumeRoleOptions) {
				o.RoleSessionName = "opsd"
				if a.ExternalID != "" {
					o.ExternalID = aws.String(a.ExternalID)
				}
			})
			cfg.Credentials = aws.NewCredentialsCache(provider)
		}
		for _, region := range r.Regions {
			rc := cfg.Copy()
			rc.Region = region
			out = append(out, Target{Account: a.ID, Region: region, Config: rc})
		}
	}
	return out, nil
}

func (r *Resolver) stsClient() STSAPI {
	if r.STS != nil {
		return r.STS
	}
	return sts.NewFromConfig(r.Base)
}

func (r *Resolver) accounts(ctx context.Context) ([]Account, error) {
	if r.Organization != nil {
		return r.organizationAccounts(ctx)
	}
	if len(r.Accounts) > 0 {
		return r.checkedAccounts(ctx)
	}
	id, err := r.callerAccount(ctx)
	if err != nil {
		return nil, err
	}
	return []Account{{ID: id}}, nil
}

func (r *Resolver) callerAccount(ctx context.Context) (string, error) {
	out, err := r.stsClient().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("get caller identity: %w", err)
	}
	return aws.ToString(out.Account), nil
}

func (r *Resolver) organizationAccounts(ctx context.Context) ([]Account, error) {
	orgs := r.Orgs
	if orgs == nil {
		orgs = organizations.NewFromConfig(r.Base)
	}
	self, err := r.callerAccount(ctx)
	if err != nil {
		return nil, err
	}
	partition := "aws"
	excluded := map[string]bool{}
	for _, id := range r.Organization.Exclude {
		excluded[id] = true
	}
	var out []Account
	p := organizations.NewListAccountsPaginator(orgs, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list organization accounts: %w", err)
		}
		for _, a := range page.Accounts {
			id := aws.ToString(a.Id)
			if a.Status != orgtypes.AccountStatusActive || excluded[id] {
				continue
			}
			if parsed, err := arn.Parse(aws.ToString(a.Arn)); err == nil {
				partition = parsed.Partition
			}
			acct := Account{ID: id, ExternalID: r.Organization.ExternalID}
			if id != self {
				acct.RoleARN = fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, id, r.Organization.RoleName)
			}
			out = append(out, acct)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// checkedAccounts returns the configured accounts after checking that each
// one without a role is the account of the base credentials: acting there
// with them under another account's name would be acting in the wrong
// account.
func (r *Resolver) checkedAccounts(ctx context.Context) ([]Account, error) {
	self := ""
	for _, a := range r.Accounts {
		if a.RoleARN != "" {
			continue
		}
		if self == "" {
			id, err := r.callerAccount(ctx)
			if err != nil {
				return nil, err
			}
			self = id
		}
		if a.ID != self {
			return nil, fmt.Errorf("account %s has no role_arn and is not the account of opsd's own credentials (%s)", a.ID, self)
		}
	}
	return r.Accounts, nil
}
