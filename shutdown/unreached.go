package shutdown

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/opsd-dev/opsd/accounts"
)

// maxCause is the most characters of one cause a summary line shows.
const maxCause = 200

// unreachable reports whether err says the region's endpoint could not be
// reached at all (a call timed out, or the request was never answered):
// then the other kinds of resource there are not worth a call each.
func unreachable(err error) bool {
	var send *smithyhttp.RequestSendError
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &send) || (errors.As(err, &ne) && ne.Timeout())
}

// cause is a short, request-id-free description of why err happened, for
// a summary line: "Code: message" for an AWS API error, "timed out" or
// "not answered" when AWS was not reached, else the error's first line.
func cause(err error) string {
	var api smithy.APIError
	var send *smithyhttp.RequestSendError
	var s string
	switch {
	case errors.As(err, &api):
		s = apiErrorText(api)
	case errors.Is(err, context.DeadlineExceeded):
		s = "timed out"
	case errors.As(err, &send):
		s = "not answered: " + send.Err.Error()
	default:
		s, _, _ = strings.Cut(err.Error(), "\n")
	}
	if utf8.RuneCountInString(s) > maxCause {
		s = string([]rune(s)[:maxCause-1]) + "…"
	}
	return s
}

// unreachedLines are the summary's "Not reached" lines: one per account
// and cause, naming the regions that failed with it, so an account whose
// role cannot be assumed is one line however many regions it has. The
// full errors are in the run's result and log.
func unreachedLines(errs []error) []string {
	type group struct {
		account, cause string
		regions        []string
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, err := range errs {
		account, region := "", ""
		var te *accounts.TargetError
		if errors.As(err, &te) {
			account, region = te.Target.Account, te.Target.Region
			err = te.Err
		}
		c := cause(err)
		k := account + "\x00" + c
		g := byKey[k]
		if g == nil {
			g = &group{account: account, cause: c}
			byKey[k] = g
			groups = append(groups, g)
		}
		if region != "" {
			g.regions = append(g.regions, region)
		}
	}
	lines := make([]string, 0, len(groups))
	for _, g := range groups {
		switch {
		case g.account == "":
			lines = append(lines, "• "+g.cause)
		default:
			sort.Strings(g.regions)
			lines = append(lines, fmt.Sprintf("• account %s (%s): %s", g.account, strings.Join(g.regions, ", "), g.cause))
		}
	}
	return lines
}
