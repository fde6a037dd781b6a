package awssim

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3Store holds the buckets; bucket names are global, as in S3.
type s3Store struct {
	mu      sync.RWMutex
	buckets map[string]*s3Bucket
}

// BucketOptions say how a bucket is set up.
type BucketOptions struct {
	// Unencrypted leaves out default encryption.
	Unencrypted bool
	// NoPublicAccessBlock leaves out the bucket's public access block.
	NoPublicAccessBlock bool
}

type s3Bucket struct {
	name    string
	opts    BucketOptions
	mu      sync.Mutex
	objects map[string]*s3Object
}

type s3Object struct {
	body        []byte
	etag        string
	contentType string
	modified    time.Time
}

func newS3Store() *s3Store { return &s3Store{buckets: map[string]*s3Bucket{}} }

// CreateBucket creates a bucket: encrypted by default (SSE-S3) and
// blocking all public access unless opts say otherwise.
func (s *Server) CreateBucket(name string, opts BucketOptions) {
	s.s3.mu.Lock()
	defer s.s3.mu.Unlock()
	if _, ok := s.s3.buckets[name]; !ok {
		s.s3.buckets[name] = &s3Bucket{name: name, opts: opts, objects: map[string]*s3Object{}}
	}
}

// Objects returns a bucket's objects by key. The bodies are the stored
// ones: read only.
func (s *Server) Objects(bucket string) map[string][]byte {
	b := s.s3.bucket(bucket)
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string][]byte, len(b.objects))
	for k, o := range b.objects {
		out[k] = o.body
	}
	return out
}

func (s *s3Store) bucket(name string) *s3Bucket {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.buckets[name]
}

// splitPath splits a path-style request path into bucket and key.
func splitPath(p string) (bucket, key string) {
	p = strings.TrimPrefix(p, "/")
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key
}

// s3Operation names a REST request's operation from its method, path and
// query.
func s3Operation(r *http.Request) string {
	bucket, key := splitPath(r.URL.Path)
	query := r.URL.Query()
	switch {
	case bucket == "":
		return "ListBuckets"
	case key == "" && r.Method == http.MethodGet && query.Has("encryption"):
		return "GetBucketEncryption"
	case key == "" && r.Method == http.MethodGet && query.Has("publicAccessBlock"):
		return "GetPublicAccessBlock"
	case key == "" && r.Method == http.MethodGet && query.Get("list-type") == "2":
		return "ListObjectsV2"
	case key == "" && r.Method == http.MethodHead:
		return "HeadBucket"
	case key == "":
		return r.Method + "Bucket"
	case r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "":
		return "CopyObject"
	case r.Method == http.MethodPut:
		return "PutObject"
	case r.Method == http.MethodGet:
		return "GetObject"
	case r.Method == http.MethodHead:
		return "HeadObject"
	case r.Method == http.MethodDelete:
		return "DeleteObject"
	}
	return r.Method + "Object"
}

func (s *s3Store) serve(w http.ResponseWriter, q *request) {
	name, key := splitPath(q.r.URL.Path)
	b := s.bucket(name)
	if b == nil {
		if q.r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		writeError(w, q, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	switch q.action {
	case "PutObject":
		b.put(w, q, key)
	case "GetObject", "HeadObject":
		b.get(w, q, key)
	case "ListObjectsV2":
		b.list(w, q)
	case "GetBucketEncryption":
		if b.opts.Unencrypted {
			writeError(w, q, http.StatusNotFound, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
			return
		}
		writeXML(w, []byte(`<ServerSideEncryptionConfiguration xmlns="`+s3NS+`"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`))
	case "GetPublicAccessBlock":
		if b.opts.NoPublicAccessBlock {
			writeError(w, q, http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
			return
		}
		writeXML(w, []byte(`<PublicAccessBlockConfiguration xmlns="`+s3NS+`"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`))
	default:
		writeError(w, q, http.StatusNotImplemented, "NotImplemented", "awssim does not simulate s3 "+q.action)
	}
}

// put stores an object. With If-None-Match: * an existing key is refused
// with 412 Precondition Failed, atomically with the write.
func (b *s3Bucket) put(w http.ResponseWriter, q *request, key string) {
	sum := md5.Sum(q.body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	b.mu.Lock()
	if q.r.Header.Get("If-None-Match") == "*" {
		if _, exists := b.objects[key]; exists {
			b.mu.Unlock()
			writeError(w, q, http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
			return
		}
	}
	b.objects[key] = &s3Object{body: q.body, etag: etag, contentType: q.r.Header.Get("Content-Type"), modified: time.Now().UTC()}
	b.mu.Unlock()
	w.Header().Set("ETag", etag)
	if !b.opts.Unencrypted || q.r.Header.Get("X-Amz-Server-Side-Encryption") != "" {
		w.Header().Set("X-Amz-Server-Side-Encryption", "AES256")
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

func (b *s3Bucket) get(w http.ResponseWriter, q *request, key string) {
	b.mu.Lock()
	o := b.objects[key]
	b.mu.Unlock()
	if o == nil {
		if q.r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		writeError(w, q, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	h := w.Header()
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", o.modified.Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(o.body)))
	if o.contentType != "" {
		h.Set("Content-Type", o.contentType)
	}
	w.WriteHeader(http.StatusOK)
	if q.r.Method != http.MethodHead {
		_, _ = w.Write(o.body)
	}
}

// list answers ListObjectsV2: keys in order, after the continuation
// token or start-after, with the prefix, at most max-keys (1000).
func (b *s3Bucket) list(w http.ResponseWriter, q *request) {
	query := q.r.URL.Query()
	prefix := query.Get("prefix")
	maxKeys := 1000
	if v := query.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, q, http.StatusBadRequest, "InvalidArgument", "Provided max-keys not an integer or within integer range")
			return
		}
		maxKeys = min(n, 1000)
	}
	after := query.Get("start-after")
	if tok := query.Get("continuation-token"); tok != "" {
		after = tok
	}
	b.mu.Lock()
	var keys []string
	for k := range b.objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	truncated := len(keys) > maxKeys
	keys = keys[:min(len(keys), maxKeys)]
	var sb strings.Builder
	fmt.Fprintf(&sb, `<ListBucketResult xmlns="%s"><Name>%s</Name><Prefix>%s</Prefix><KeyCount>%d</KeyCount><MaxKeys>%d</MaxKeys><IsTruncated>%t</IsTruncated>`,
		s3NS, escape(b.name), escape(prefix), len(keys), maxKeys, truncated)
	for _, k := range keys {
		o := b.objects[k]
		fmt.Fprintf(&sb, "<Contents><Key>%s</Key><LastModified>%s</LastModified><ETag>%s</ETag><Size>%d</Size><StorageClass>STANDARD</StorageClass></Contents>",
			escape(k), o.modified.Format("2006-01-02T15:04:05.000Z"), escape(o.etag), len(o.body))
	}
	b.mu.Unlock()
	if truncated {
		fmt.Fprintf(&sb, "<NextContinuationToken>%s</NextContinuationToken>", escape(keys[len(keys)-1]))
	}
	sb.WriteString("</ListBucketResult>")
	writeXML(w, []byte(sb.String()))
}
