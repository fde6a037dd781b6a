// Command emulator is demo support for `make demo`, not part of opsd: a
// loopback HTTP server in front of moto_server that answers the AWS
// operations opsd's patching and backup services call but moto 5.2 does
// not implement, and forwards every other request to moto unchanged (body,
// headers and signature as the client sent them; moto does not check
// signatures).
//
// Systems Manager (awsJson1.1, X-Amz-Target "AmazonSSM.<Op>"), derived from
// the EC2 instances in moto and their demo tags (see ssm.go):
//   - DescribeInstanceInformation: every instance is registered with SSM,
//     Online while running, unless tagged demo:ssm=none; demo:platform
//     (Ubuntu, the default, Windows or any other name) is its platform.
//   - ListCommandInvocations: every invocation of a command succeeded.
//   - DescribeInstancePatchStates: an instance has a patch state once an
//     AWS-RunPatchBaseline command was sent to it, missing the number of
//     patches its demo:missing-critical and demo:missing-important tags say.
//   - DescribeInstancePatches: those patches, Missing after a scan and
//     Installed after an install (Failed on an instance tagged
//     demo:install=fail, whose install invocations fail too).
//   - SendCommand is forwarded with its InstanceIds turned into an
//     instance-id target: given no Targets, moto sends a command to every
//     instance of the region.
//
// AWS Backup (REST-JSON), in memory (see backup.go):
//   - UpdateBackupPlan, and GetBackupPlan of a plan updated here;
//   - CreateBackupSelection, ListBackupSelections, GetBackupSelection and
//     DeleteBackupSelection;
//   - ListBackupJobs and ListProtectedResources, always empty: no backup
//     ever runs here;
//   - ListTags is forwarded with the trailing slash moto's path parsing
//     needs.
//
// It calls moto itself, with the caller's access key id and region (which
// is how moto picks the account), to read instances and commands. It logs
// one line per call it answers or rewrites to stderr.
//
// Usage:
//
//	emulator --listen 127.0.0.1:5001 --upstream http://127.0.0.1:5000
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:5001", "address to listen on (keep it on loopback)")
	upstream := flag.String("upstream", "http://127.0.0.1:5000", "moto_server's URL")
	flag.Parse()
	logger := log.New(os.Stderr, "emulator: ", log.LstdFlags)
	if err := run(*listen, *upstream, logger); err != nil {
		logger.Fatal(err)
	}
}

// run serves until SIGINT or SIGTERM.
func run(listen, upstream string, logger *log.Logger) error {
	u, err := url.Parse(upstream)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("--upstream %q is not a URL", upstream)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: newEmulator(u, logger), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	logger.Printf("listening on http://%s, forwarding to %s", ln.Addr(), u)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// emulator routes each request to a fake or to moto.
type emulator struct {
	upstream *url.URL
	proxy    *httputil.ReverseProxy
	log      *log.Logger
	// ssm are the faked Systems Manager operations, by X-Amz-Target.
	ssm map[string]http.HandlerFunc
	// backup routes AWS Backup's REST operations; what it does not fake
	// goes to moto.
	backup *http.ServeMux
	state  *backupState
}

func newEmulator(upstream *url.URL, logger *log.Logger) *emulator {
	e := &emulator{
		upstream: upstream,
		log:      logger,
		proxy: &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(upstream)
			pr.Out.Host = pr.In.Host // the host the client signed
		}},
		state: newBackupState(),
	}
	e.ssm = map[string]http.HandlerFunc{
		"AmazonSSM.DescribeInstanceInformation": e.describeInstanceInformation,
		"AmazonSSM.ListCommandInvocations":      e.listCommandInvocations,
		"AmazonSSM.DescribeInstancePatchStates": e.describeInstancePatchStates,
		"AmazonSSM.DescribeInstancePatches":     e.describeInstancePatches,
		"AmazonSSM.SendCommand":                 e.sendCommand,
	}
	e.backup = e.backupRoutes()
	return e
}

func (e *emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		if h, ok := e.ssm[target]; ok {
			h(w, r)
			return
		}
	} else if _, _, service := caller(r); service == "backup" {
		e.backup.ServeHTTP(w, r)
		return
	}
	e.proxy.ServeHTTP(w, r)
}

// caller reads the access key id, region and service of a request's SigV4
// Authorization header: Credential=AKID/date/region/service/aws4_request.
func caller(r *http.Request) (accessKey, region, service string) {
	auth := r.Header.Get("Authorization")
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return "", "", ""
	}
	cred, _, _ := strings.Cut(auth[i+len("Credential="):], ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return "", "", ""
	}
	return parts[0], parts[2], parts[3]
}

// motoConfig is SDK configuration that calls moto directly as the caller
// of r: moto puts a call in the account its access key id belongs to and
// does not check the secret.
func (e *emulator) motoConfig(r *http.Request) aws.Config {
	key, region, _ := caller(r)
	if region == "" {
		region = "us-east-1"
	}
	if key == "" {
		key = "demo"
	}
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(e.upstream.String()),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: key, SecretAccessKey: "demo", Source: "emulator"}, nil
		}),
	}
}

// decode reads r's JSON body, if it has one, into v, answering a bad
// request itself.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(r.Body)
	if err == nil && len(b) > 0 {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "SerializationException", "read request: "+err.Error())
		return false
	}
	return true
}

// writeJSON answers with v as the JSON body. AWS JSON timestamps are epoch
// seconds: see epoch.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalFailure", "encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", contentType(r))
	w.Header().Set("X-Amzn-RequestId", newID())
	_, _ = w.Write(b)
}

// writeError answers with an AWS error as r's protocol spells it, so the
// SDK returns the error code.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	w.Header().Set("Content-Type", contentType(r))
	w.Header().Set("X-Amzn-RequestId", newID())
	body := map[string]string{"message": message}
	if r.Header.Get("X-Amz-Target") != "" {
		body["__type"] = code
	} else {
		w.Header().Set("X-Amzn-ErrorType", code)
	}
	b, _ := json.Marshal(body)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func contentType(r *http.Request) string {
	if r.Header.Get("X-Amz-Target") != "" {
		return "application/x-amz-json-1.1"
	}
	return "application/json"
}

// epoch is t as AWS JSON timestamps carry it.
func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// newID is a random identifier shaped like a UUID.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
