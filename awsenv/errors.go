package awsenv

import (
	"errors"

	"github.com/aws/smithy-go"
)

// ErrorCode is the AWS error code of err ("ThrottlingException",
// "AccessDenied"), or "" when err is not an AWS API error.
func ErrorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// ErrorText is "Code: message" for an AWS API error, else the error's
// text: short enough for a Slack line, and without request ids, so the
// same failure reads the same on every run.
func ErrorText(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		if m := api.ErrorMessage(); m != "" {
			return api.ErrorCode() + ": " + m
		}
		return api.ErrorCode()
	}
	return err.Error()
}
