package mototest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
)

// Static test credentials. moto accepts any; calls signed with these land
// in DefaultAccountID.
const (
	AccessKeyID     = "AKIAIOSFODNN7EXAMPLE"
	SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	// DefaultAccountID is the account moto puts calls in unless their
	// credentials came from STS AssumeRole into another account.
	DefaultAccountID = "123456789012"
)

// Config returns SDK configuration that sends every call to endpoint (a
// moto server or a [Proxy]) in region, with the static test credentials,
// at most two attempts per call and a 30 s HTTP timeout. It reads nothing
// from the environment or ~/.aws.
//
// S3 clients also need path-style addressing:
//
//	s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
//
// and CloudWatch clients the JSON protocol: cloudwatch.NewFromConfig(cfg,
// mototest.CloudWatchJSON).
func Config(endpoint, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(endpoint),
		HTTPClient:   awshttp.NewBuildableClient().WithTimeout(30 * time.Second),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 2
				o.MaxBackoff = 100 * time.Millisecond
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// CloudWatchJSON is a CloudWatch client option that makes the client speak
// AWS JSON 1.0 instead of the SDK's default Smithy RPC v2 CBOR, which moto
// (5.2) does not understand:
//
//	cw := cloudwatch.NewFromConfig(cfg, mototest.CloudWatchJSON)
//
// Requests then carry X-Amz-Target: GraniteServiceVersion20100801.<Operation>.
func CloudWatchJSON(o *cloudwatch.Options) {
	o.Protocol = awsjson.New10(cwschemas.GraniteServiceVersion20100801)
}

// SetCredentialsEnv points the SDK's default credential chain at the static
// test credentials and away from everything else on the machine (shared
// config files, profiles, web identity, container and instance metadata,
// AWS_CA_BUNDLE), for tests of code that calls config.LoadDefaultConfig.
// It uses tb.Setenv, so the test must not be parallel. The region and
// endpoint are left to the caller.
func SetCredentialsEnv(tb testing.TB) {
	tb.Helper()
	none := filepath.Join(tb.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":                      AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":                  SecretAccessKey,
		"AWS_SESSION_TOKEN":                      "",
		"AWS_PROFILE":                            "",
		"AWS_DEFAULT_PROFILE":                    "",
		"AWS_CONFIG_FILE":                        none,
		"AWS_SHARED_CREDENTIALS_FILE":            none,
		"AWS_ROLE_ARN":                           "",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_EC2_METADATA_DISABLED":              "true",
		"AWS_ENDPOINT_URL":                       "",
		"AWS_CA_BUNDLE":                          "", // moto is plain http
	} {
		tb.Setenv(k, v)
	}
}
