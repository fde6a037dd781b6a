package awsenv

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func TestErrorTextAndCode(t *testing.T) {
	api := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	wrapped := fmt.Errorf("stop instances in 111111111111/eu-west-2: operation error EC2: StopInstances, https response error StatusCode: 400, RequestID: 1234, api error %w", api)
	for _, c := range []struct {
		err        error
		text, code string
	}{
		{wrapped, "ThrottlingException: Rate exceeded", "ThrottlingException"},
		{&smithy.GenericAPIError{Code: "AccessDenied"}, "AccessDenied", "AccessDenied"},
		{errors.New("dial tcp: connection refused"), "dial tcp: connection refused", ""},
	} {
		if got := ErrorText(c.err); got != c.text {
			t.Errorf("ErrorText(%v) = %q, want %q", c.err, got, c.text)
		}
		if got := ErrorCode(c.err); got != c.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", c.err, got, c.code)
		}
	}
}
