package config

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// ReadEnvFile reads a systemd EnvironmentFile (the form
// deploy/systemd/opsd.env.example takes) and returns its assignments as
// KEY=VALUE, in order: one per line, blank lines and lines starting with
// # or ; ignored, a value in double or single quotes unquoted (backslash
// escapes \" and \\ in double quotes). A line that assigns nothing is an
// error naming the file and line.
func ReadEnvFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read environment file: %w", err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			return nil, fmt.Errorf("%s:%d: %q is not KEY=VALUE", path, n, line)
		}
		value, err := unquoteEnv(strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, n, key, err)
		}
		out = append(out, key+"="+value)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read environment file %s: %w", path, err)
	}
	return out, nil
}

// unquoteEnv removes the quotes around a value, as systemd does.
func unquoteEnv(v string) (string, error) {
	if len(v) < 2 || (v[0] != '"' && v[0] != '\'') {
		return v, nil
	}
	q := v[0]
	if v[len(v)-1] != q {
		return "", fmt.Errorf("value %s has no closing %c", v, q)
	}
	inner := v[1 : len(v)-1]
	if q == '\'' {
		return inner, nil
	}
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\\' && i+1 < len(inner) && (inner[i+1] == '"' || inner[i+1] == '\\') {
			i++
		}
		b.WriteByte(inner[i])
	}
	return b.String(), nil
}
