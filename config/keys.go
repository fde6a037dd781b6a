package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/configkey"
)

var (
	typeOfConfig   = reflect.TypeOf(Config{})
	typeOfDuration = reflect.TypeOf(time.Duration(0))
)

// unknownKeys reports every key in raw that no field of t declares, by its
// full path, with the nearest known key when one is close.
func unknownKeys(raw any, t reflect.Type, path string) []error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == typeOfDuration {
			return nil
		}
		m, ok := raw.(map[string]any)
		if !ok {
			return nil // a type mismatch: the decoder reports it
		}
		fields := structFields(t)
		keys := sortedKeys(m)
		var out []error
		for _, k := range keys {
			ft, ok := fields[k]
			if !ok {
				out = append(out, fmt.Errorf("%s: unknown key%s", join(path, k), suggest(k, fields)))
				continue
			}
			out = append(out, unknownKeys(m[k], ft, join(path, k))...)
		}
		return out
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok {
			return nil
		}
		var out []error
		for _, k := range sortedKeys(m) {
			out = append(out, unknownKeys(m[k], t.Elem(), join(path, k))...)
		}
		return out
	case reflect.Slice:
		items, ok := raw.([]any)
		if !ok {
			return nil
		}
		var out []error
		for i, item := range items {
			out = append(out, unknownKeys(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	}
	return nil
}

func structFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := strings.Split(f.Tag.Get("koanf"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		out[name] = f.Type
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// suggest names the known key nearest to k, when one is a likely typo.
func suggest(k string, fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	if best := configkey.Nearest(k, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// knownKeys lists every key path t declares (map entries and list items
// are not expanded).
func knownKeys(t reflect.Type, path string) []string {
	if t.Kind() != reflect.Struct || t == typeOfDuration {
		return nil
	}
	var out []string
	fields := structFields(t)
	for _, name := range sortedFieldNames(fields) {
		p := join(path, name)
		out = append(out, p)
		out = append(out, knownKeys(fields[name], p)...)
	}
	return out
}

func sortedFieldNames(m map[string]reflect.Type) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
