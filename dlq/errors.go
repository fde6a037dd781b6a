package dlq

import (
	"errors"

	"github.com/aws/smithy-go"
)

// apiErrorCode is the AWS error code of err, or "".
func apiErrorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// apiErrorText is "Code: message" for an AWS API error, else the error's
// text: short enough for a Slack line, without request ids.
func apiErrorText(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		if m := api.ErrorMessage(); m != "" {
			return api.ErrorCode() + ": " + m
		}
		return api.ErrorCode()
	}
	return err.Error()
}
