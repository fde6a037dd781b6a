package notify

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// fakeSSM answers GetParameter with out or err and keeps the inputs.
type fakeSSM struct {
	out    *ssm.GetParameterOutput
	err    error
	inputs []*ssm.GetParameterInput
}

func (f *fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	f.inputs = append(f.inputs, in)
	return f.out, f.err
}

func parameter(value string) *ssm.GetParameterOutput {
	return &ssm.GetParameterOutput{Parameter: &types.Parameter{Value: aws.String(value)}}
}

func TestResolveTokenFromSSM(t *testing.T) {
	fake := &fakeSSM{out: parameter("xoxb-from-ssm\n")}
	got, err := ResolveToken(t.Context(), TokenSource{SSMParameter: "/opsd/slack-token"}, fake)
	if err != nil {
		t.Fatalf("ResolveToken: %v", err)
	}
	if got != "xoxb-from-ssm" {
		t.Errorf("token = %q, want %q", got, "xoxb-from-ssm")
	}
	if len(fake.inputs) != 1 {
		t.Fatalf("GetParameter called %d times, want 1", len(fake.inputs))
	}
	in := fake.inputs[0]
	if aws.ToString(in.Name) != "/opsd/slack-token" {
		t.Errorf("Name = %q, want /opsd/slack-token", aws.ToString(in.Name))
	}
	if !aws.ToBool(in.WithDecryption) {
		t.Error("WithDecryption is not true")
	}
}

func TestResolveTokenLiteral(t *testing.T) {
	fake := &fakeSSM{}
	got, err := ResolveToken(t.Context(), TokenSource{Value: " xoxb-literal "}, fake)
	if err != nil || got != "xoxb-literal" {
		t.Fatalf("ResolveToken = %q, %v; want xoxb-literal", got, err)
	}
	if len(fake.inputs) != 0 {
		t.Error("a literal token called SSM")
	}
	got, err = ResolveToken(t.Context(), TokenSource{}, nil)
	if err != nil || got != "" {
		t.Errorf("ResolveToken(no source) = %q, %v; want empty and no error", got, err)
	}
}

func TestResolveTokenErrors(t *testing.T) {
	denied := errors.New("AccessDeniedException: not authorized")
	tests := []struct {
		name     string
		src      TokenSource
		api      SSMParameterAPI
		wantText string
		wantWrap error
	}{
		{"ssm fails", TokenSource{SSMParameter: "/x"}, &fakeSSM{err: denied},
			`read slack token from ssm parameter "/x": `, denied},
		{"empty parameter", TokenSource{SSMParameter: "/x"}, &fakeSSM{out: parameter("  ")},
			`read slack token from ssm parameter "/x": parameter is empty`, nil},
		{"no parameter in answer", TokenSource{SSMParameter: "/x"}, &fakeSSM{out: &ssm.GetParameterOutput{}},
			`read slack token from ssm parameter "/x": parameter is empty`, nil},
		{"no client", TokenSource{SSMParameter: "/x"}, nil,
			`read slack token from ssm parameter "/x": no ssm client`, nil},
		{"both set", TokenSource{Value: "xoxb-secret-literal", SSMParameter: "/x"}, &fakeSSM{},
			`resolve slack token: both a token value and ssm parameter "/x" are set`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveToken(t.Context(), tt.src, tt.api)
			if err == nil {
				t.Fatalf("ResolveToken = %q, want an error", got)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			if tt.wantWrap != nil && !errors.Is(err, tt.wantWrap) {
				t.Errorf("error %q does not wrap %v", err, tt.wantWrap)
			}
			if strings.Contains(err.Error(), "xoxb-secret-literal") {
				t.Errorf("error leaks the token: %q", err)
			}
		})
	}
}
