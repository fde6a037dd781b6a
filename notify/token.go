package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// TokenSource says where a secret (the Slack token, the PagerDuty routing
// key) comes from: a literal value from
// configuration or the environment, or an SSM Parameter Store parameter
// (normally a SecureString). Set at most one.
type TokenSource struct {
	// Value is the token itself.
	Value string
	// SSMParameter is the name or ARN of the parameter holding the token.
	SSMParameter string
}

// ResolveToken returns the Slack token src describes: Value as it is, or the
// decrypted value of SSMParameter read through api. With neither set it
// returns "" and no error (opsd then notifies through the log). Setting both
// is an error. The token never appears in an error.
func ResolveToken(ctx context.Context, src TokenSource, api SSMParameterAPI) (string, error) {
	return resolveSecret(ctx, "slack token", "a token value", src, api)
}

// ResolveRoutingKey is ResolveToken for the PagerDuty routing key.
func ResolveRoutingKey(ctx context.Context, src TokenSource, api SSMParameterAPI) (string, error) {
	return resolveSecret(ctx, "pagerduty routing key", "a routing key value", src, api)
}

// resolveSecret reads the secret called what from src.
func resolveSecret(ctx context.Context, what, literal string, src TokenSource, api SSMParameterAPI) (string, error) {
	value := strings.TrimSpace(src.Value)
	name := strings.TrimSpace(src.SSMParameter)
	switch {
	case name == "":
		return value, nil
	case value != "":
		return "", fmt.Errorf("resolve %s: both %s and ssm parameter %q are set; set one", what, literal, name)
	case api == nil:
		return "", fmt.Errorf("read %s from ssm parameter %q: no ssm client", what, name)
	}

	out, err := api.GetParameter(ctx, &ssm.GetParameterInput{
		Name:           aws.String(name),
		WithDecryption: aws.Bool(true),
	})
	if err != nil {
		return "", fmt.Errorf("read %s from ssm parameter %q: %w", what, name, err)
	}
	if out == nil || out.Parameter == nil || strings.TrimSpace(aws.ToString(out.Parameter.Value)) == "" {
		return "", fmt.Errorf("read %s from ssm parameter %q: parameter is empty", what, name)
	}
	return strings.TrimSpace(aws.ToString(out.Parameter.Value)), nil
}
