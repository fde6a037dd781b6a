package awssim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// DefaultLatency is how long every call takes unless Options say otherwise.
const DefaultLatency = 30 * time.Millisecond

// DefaultAccount is the account of credentials whose access key id encodes
// none.
const DefaultAccount = "123456789012"

// Options configure a Server.
type Options struct {
	// Latency is added to every call. Zero means DefaultLatency; a
	// negative value means none.
	Latency time.Duration
	// OpLatency overrides Latency for single operations, by "service.Op"
	// ("sqs.ReceiveMessage", "s3.PutObject"); negative means none.
	OpLatency map[string]time.Duration
	// Limits are request-rate limits by signing service ("ec2", "sts",
	// "sqs", "s3", "autoscaling", "rds", "monitoring"), applied per
	// account, region and service as AWS applies its quotas. A service
	// without an entry is not limited.
	Limits map[string]Limit
}

// Server is the simulated AWS endpoint. Create it with New and Close it
// when done.
type Server struct {
	opts  Options
	http  *httptest.Server
	calls *counter
	rate  *limiter
	sts   *stsService
	ec2   *ec2Store
	sqs   *sqsStore
	s3    *s3Store
	ids   idSource
}

// New starts a Server on a loopback port.
func New(opts Options) *Server {
	s := &Server{
		opts:  opts,
		calls: newCounter(),
		rate:  newLimiter(opts.Limits),
		sts:   newSTS(),
		ec2:   newEC2Store(),
		s3:    newS3Store(),
	}
	s.sqs = newSQSStore(s)
	s.http = httptest.NewUnstartedServer(s)
	s.http.Config.ReadHeaderTimeout = 10 * time.Second
	s.http.Start()
	return s
}

// URL is the endpoint: give it to aws.endpoint_url or aws.Config.BaseEndpoint.
func (s *Server) URL() string { return s.http.URL }

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// Config returns an SDK configuration whose requests reach the server in
// region, signed with static credentials of account.
func (s *Server) Config(account, region string) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(s.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID(account), SecretAccessKey, ""),
		HTTPClient:   &http.Client{Timeout: time.Minute},
	}
}

// Env is the environment a child process (the opsd binary) needs to reach
// the server with base credentials of account and nothing from the host's
// AWS configuration.
func (s *Server) Env(account string) []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKeyID(account),
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// ServeHTTP answers one AWS request: it identifies the caller and the
// operation, counts the call, waits the latency, charges the rate limit
// and hands the request to the service.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := parseRequest(r)
	if err != nil {
		http.Error(w, "awssim: "+err.Error(), http.StatusBadRequest)
		return
	}
	req.ids = &s.ids
	s.wait(r.Context(), req.op())
	if !s.rate.allow(req.account, req.region, req.service) {
		s.calls.add(req.op(), req.account, true)
		throttle(w, req)
		return
	}
	s.calls.add(req.op(), req.account, false)
	switch req.service {
	case "sts":
		s.sts.serve(w, req)
	case "ec2":
		s.ec2.serve(w, req)
	case "autoscaling", "rds", "ecs":
		serveEmptyListing(w, req)
	case "monitoring":
		serveCloudWatch(w, req)
	case "sqs":
		s.sqs.serve(w, req)
	case "s3":
		s.s3.serve(w, req)
	default:
		writeError(w, req, http.StatusBadRequest, "UnknownService", "awssim does not simulate service "+req.service)
	}
}

// wait sleeps the operation's latency, or until the caller gives up.
func (s *Server) wait(ctx context.Context, op string) {
	d := s.opts.Latency
	if v, ok := s.opts.OpLatency[op]; ok {
		d = v
	} else if d == 0 {
		d = DefaultLatency
	}
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
