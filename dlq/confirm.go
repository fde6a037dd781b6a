package dlq

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// objectDigest is what the archiver knows of an archive object before it
// sends it: the digests S3 is asked to check and, afterwards, to echo.
type objectDigest struct {
	md5    [md5.Size]byte
	sha256 [sha256.Size]byte
}

func digestOf(b []byte) objectDigest {
	return objectDigest{md5: md5.Sum(b), sha256: sha256.Sum256(b)}
}

// contentMD5 and checksumSHA256 are the base64 header values.
func (d objectDigest) contentMD5() string { return base64.StdEncoding.EncodeToString(d.md5[:]) }
func (d objectDigest) checksumSHA256() string {
	return base64.StdEncoding.EncodeToString(d.sha256[:])
}

// confirmWrite checks that S3's answer to a PutObject describes the bytes
// sent: the SHA-256 checksum S3 computed, when it returns one, or else the
// ETag, which for a single-part SSE-S3 object is the MD5 of its content.
// With SSE-KMS and no checksum in the answer, S3 has already refused the
// write unless the Content-MD5 and checksum headers matched what it
// received, so a 200 answer is the confirmation. Anything that does not
// match is an unconfirmed write: the message stays in the queue.
func confirmWrite(out *s3.PutObjectOutput, d objectDigest, sseKMS bool) error {
	if out == nil {
		return fmt.Errorf("no answer to the write")
	}
	if got := aws.ToString(out.ChecksumSHA256); got != "" {
		if got != d.checksumSHA256() {
			return fmt.Errorf("S3 stored content with SHA-256 %s, not the %s sent", got, d.checksumSHA256())
		}
		return nil
	}
	if sseKMS {
		return nil
	}
	etag := strings.Trim(aws.ToString(out.ETag), `"`)
	if want := hex.EncodeToString(d.md5[:]); !strings.EqualFold(etag, want) {
		return fmt.Errorf("S3 stored content with ETag %q, not the MD5 %s of what was sent", etag, want)
	}
	return nil
}

// sameContent reports whether an archive object read back, got, holds the
// message of rec: the same id, body and message attributes. System
// attributes such as ApproximateReceiveCount change with every receive and
// are not compared.
func sameContent(got, rec Record) bool {
	if got.MessageID != rec.MessageID || got.Body != rec.Body {
		return false
	}
	if got.MD5OfBody != "" && rec.MD5OfBody != "" && got.MD5OfBody != rec.MD5OfBody {
		return false
	}
	return maps.EqualFunc(got.MessageAttributes, rec.MessageAttributes, sameAttribute)
}

func sameAttribute(a, b Attribute) bool {
	if a.DataType != b.DataType || (a.StringValue == nil) != (b.StringValue == nil) {
		return false
	}
	if a.StringValue != nil && *a.StringValue != *b.StringValue {
		return false
	}
	return bytes.Equal(a.BinaryValue, b.BinaryValue)
}
