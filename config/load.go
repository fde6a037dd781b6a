package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/v2"
)

// EnvPrefix starts every environment variable that overrides a key;
// "__" separates nesting levels: OPSD_AWS__ENDPOINT_URL is aws.endpoint_url.
const EnvPrefix = "OPSD_"

// Load reads the YAML file at path and returns the configuration it
// describes over the defaults, with OPSD_ variables from environ applied
// last. An invalid configuration returns a *ValidationError listing every
// problem.
func Load(path string, environ []string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	cfg, err := Parse(data, environ)
	if err != nil && !isValidation(err) {
		// A file that is not YAML: say which file.
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, err
}

// isValidation reports whether err lists configuration problems (each
// already naming its key).
func isValidation(err error) bool {
	var verr *ValidationError
	return errors.As(err, &verr)
}

// Parse is Load for a YAML document already in memory.
func Parse(data []byte, environ []string) (*Config, error) {
	raw, err := yaml.Parser().Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("parse config yaml: %w", err)
	}
	pruneNulls(raw)

	k := koanf.New(".")
	if err := k.Load(confmap.Provider(toMap(Default()), ""), nil); err != nil {
		return nil, fmt.Errorf("load config defaults: %w", err)
	}
	if err := k.Load(confmap.Provider(raw, ""), nil); err != nil {
		return nil, fmt.Errorf("load config file: %w", err)
	}
	envProvider := env.Provider(".", env.Opt{
		Prefix:        EnvPrefix,
		TransformFunc: envKey,
		EnvironFunc:   func() []string { return environ },
	})
	if err := k.Load(envProvider, nil); err != nil {
		return nil, fmt.Errorf("load config environment: %w", err)
	}

	var problems []error
	for _, p := range unknownKeys(k.Raw(), typeOfConfig, "") {
		problems = append(problems, fromEnvironment(p, environ))
	}

	// Every key is decoded on its own, so a value of the wrong type is one
	// problem and the rest of the configuration, its own section included,
	// is still decoded and validated: every problem shows at once. The bad
	// key keeps its default, and any complaint about the key or about keys
	// inside it is left to the type problem.
	cfg, typeProblems, badPaths := decode(k.Raw(), toMap(Default()))
	for _, p := range typeProblems {
		problems = append(problems, fromEnvironment(p, environ))
	}
	if verr := cfg.Validate(); verr != nil {
		for _, p := range verr.Problems {
			if !underAny(problemPath(p), badPaths) {
				problems = append(problems, fromEnvironment(p, environ))
			}
		}
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &ValidationError{Problems: problems}
	}
	return &cfg, nil
}

// envKey maps OPSD_AWS__ENDPOINT_URL to aws.endpoint_url.
func envKey(name, value string) (string, any) {
	key := strings.ToLower(strings.TrimPrefix(name, EnvPrefix))
	return strings.ReplaceAll(key, "__", "."), value
}

// pruneNulls drops keys whose YAML value is null (`shutdown:` with nothing
// under it), so that they leave the defaults in place.
func pruneNulls(m map[string]any) {
	for k, v := range m {
		switch vv := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			pruneNulls(vv)
		}
	}
}

// decodeProblems splits a decoder error into one problem per field.
func decodeProblems(err error) []error {
	var out []error
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "*"))
		if line == "" || strings.HasPrefix(line, "decoding failed") || strings.HasSuffix(line, "error(s) decoding:") {
			continue
		}
		// mapstructure says "'aws.concurrency' cannot parse ..."; opsd
		// says "aws.concurrency: cannot parse ...".
		if rest, ok := strings.CutPrefix(line, "'"); ok {
			if path, msg, ok := strings.Cut(rest, "' "); ok {
				line = path + ": " + msg
			}
		}
		out = append(out, fmt.Errorf("%s", line))
	}
	if len(out) == 0 {
		out = append(out, err)
	}
	return out
}

// fromEnvironment names the environment variable an unknown key came from,
// when it came from one.
func fromEnvironment(problem error, environ []string) error {
	path, _, _ := strings.Cut(problem.Error(), ":")
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		if key, _ := envKey(name, ""); key == path || strings.HasPrefix(path, key+"[") || strings.HasPrefix(path, key+".") {
			return fmt.Errorf("%w (from environment variable %s)", problem, name)
		}
	}
	return problem
}
