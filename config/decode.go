package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"

	"github.com/opsd-dev/opsd/configkey"
	"github.com/opsd-dev/opsd/shutdown"
)

// decoderConfig is how a checked configuration map is decoded into a
// Config: the rules the key-by-key check in typeChecker mirrors.
func decoderConfig(result *Config) *mapstructure.DecoderConfig {
	return &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
			mapstructure.TextUnmarshallerHookFunc(),
		),
		WeaklyTypedInput: true,
		TagName:          "koanf",
		Result:           result,
	}
}

// decode turns merged, the configuration with every layer applied, into a
// Config key by key. A value of the wrong type is reported as what was found
// and what its key wants, and is replaced by the key's value in defaults
// (or dropped when it has none), so that one bad value neither stops the
// rest of its section from being decoded nor leaves behind a zero value for
// validation to complain about. It returns the problems and the paths of
// the keys they are about.
func decode(merged, defaults map[string]any) (Config, []error, []string) {
	var tc typeChecker
	checked, _ := tc.check(merged, defaults, typeOfConfig, "")
	var cfg Config
	d, err := mapstructure.NewDecoder(decoderConfig(&cfg))
	if err == nil {
		err = d.Decode(checked)
	}
	if err != nil {
		// The check above should leave nothing for the decoder to refuse;
		// whatever it still finds is reported rather than lost.
		for _, p := range decodeProblems(err) {
			tc.problems = append(tc.problems, p)
			if path, _, ok := strings.Cut(p.Error(), ": "); ok {
				tc.bad = append(tc.bad, path)
			}
		}
	}
	return cfg, tc.problems, tc.bad
}

// typeChecker walks a configuration map beside the type it decodes into,
// collecting a problem for every value of the wrong type.
type typeChecker struct {
	problems []error
	bad      []string
}

func (tc *typeChecker) fail(path, format string, args ...any) {
	tc.problems = append(tc.problems, configkey.Errorf(path, format, args...))
	tc.bad = append(tc.bad, path)
}

var typeOfUnmarshaler = reflect.TypeOf((*mapstructure.Unmarshaler)(nil)).Elem()

// wanted names what a key of a type with its own decoding wants, for when
// it is given a list or a map.
var wanted = map[reflect.Type]string{
	reflect.TypeOf(shutdown.Date("")): "a date (YYYY-MM-DD)",
}

// check returns v, the value at path, made fit to decode into t: v itself,
// or v with every value inside it that is of the wrong type replaced by its
// default or dropped. def is the default at path, or nil. ok is false when
// v itself is of the wrong type, and the caller replaces it.
func (tc *typeChecker) check(v, def any, t reflect.Type, path string) (out any, ok bool) {
	if v == nil {
		return nil, true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == typeOfDuration:
		return tc.duration(v, path)
	case reflect.PointerTo(t).Implements(typeOfUnmarshaler):
		return tc.unmarshaler(v, t, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := structFields(t)
		return tc.section(v, def, path, func(key string) (reflect.Type, bool) {
			ft, ok := fields[key]
			return ft, ok
		})
	case reflect.Map:
		return tc.section(v, def, path, func(string) (reflect.Type, bool) { return t.Elem(), true })
	case reflect.Slice:
		return tc.list(v, t.Elem(), path)
	case reflect.Bool:
		return tc.boolean(v, path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return tc.wholeNumber(v, t, path)
	case reflect.Float32, reflect.Float64:
		return tc.number(v, path)
	case reflect.String:
		return tc.text(v, t, path)
	}
	return v, true
}

// section checks a map of keys: a struct's fields or a map's entries. A key
// no field declares is left alone: unknownKeys reports it.
func (tc *typeChecker) section(v, def any, path string, field func(key string) (reflect.Type, bool)) (any, bool) {
	m, isMap := v.(map[string]any)
	if !isMap {
		if l, isList := v.([]any); isList && len(l) == 0 {
			return def, true // `shutdown: []`: nothing set
		}
		tc.fail(path, "%s is not a map of keys", kindOf(v))
		return nil, false
	}
	defs, _ := def.(map[string]any)
	for _, k := range sortedKeys(m) {
		ft, known := field(k)
		if !known {
			continue
		}
		if nv, ok := tc.check(m[k], defs[k], ft, join(path, k)); ok {
			m[k] = nv
		} else if d, has := defs[k]; has {
			m[k] = d
		} else {
			delete(m, k)
		}
	}
	return m, true
}

// list checks a list. It takes text (an environment variable's) as a
// comma-separated list, spaces around the commas dropped, where the list
// holds text, numbers, booleans or durations; text where it holds maps of
// keys is a problem that says to set it in the file. An empty map is an empty list and any other
// single value a list of one.
func (tc *typeChecker) list(v any, elem reflect.Type, path string) (any, bool) {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case string:
		if k := elem.Kind(); k == reflect.Struct || k == reflect.Map {
			tc.fail(path, "%q is text, and this is a list of maps of keys: set it in the YAML file", x)
			return nil, false
		}
		if k := elem.Kind(); k == reflect.Slice || k == reflect.Interface {
			items = []any{x}
			break
		}
		if strings.TrimSpace(x) == "" {
			return []any{}, true
		}
		for _, s := range strings.Split(x, ",") {
			items = append(items, strings.TrimSpace(s))
		}
	case map[string]any:
		if len(x) == 0 {
			return []any{}, true
		}
		items = []any{x}
	default:
		items = []any{x}
	}
	for i, item := range items {
		nv, ok := tc.check(item, nil, elem, fmt.Sprintf("%s[%d]", path, i))
		if !ok {
			nv = nil // the zero value, keeping the other items' places
		}
		items[i] = nv
	}
	return items, true
}

func (tc *typeChecker) duration(v any, path string) (any, bool) {
	const want = "a duration (e.g. 1h, 90m)"
	const noUnit = "is not a duration: it needs a unit (e.g. 30s, 30m)"
	switch x := v.(type) {
	case time.Duration:
		return x, true
	case string:
		if _, err := time.ParseDuration(x); err == nil {
			return x, true
		}
		if _, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			tc.fail(path, "%q %s", x, noUnit)
		} else {
			tc.fail(path, "%q is not %s", x, want)
		}
		return nil, false
	}
	if f, isNumber := toFloat(v); isNumber {
		if f == 0 {
			return time.Duration(0), true
		}
		tc.fail(path, "%s %s", describe(v), noUnit)
		return nil, false
	}
	tc.fail(path, "%s is not %s", describe(v), want)
	return nil, false
}

// unmarshaler checks a value of a type that decodes itself, by decoding it.
func (tc *typeChecker) unmarshaler(v any, t reflect.Type, path string) (any, bool) {
	if isComposite(v) {
		want, known := wanted[t]
		if !known {
			want = "a single value"
		}
		tc.fail(path, "%s is not %s", describe(v), want)
		return nil, false
	}
	u := reflect.New(t).Interface().(mapstructure.Unmarshaler)
	if err := u.UnmarshalMapstructure(v); err != nil {
		tc.fail(path, "%w", err)
		return nil, false
	}
	return v, true
}

func (tc *typeChecker) boolean(v any, path string) (any, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		if _, err := strconv.ParseBool(x); err == nil || x == "" {
			return x, true // "" is an empty environment variable: false
		}
	default:
		// 1 and 0 have always meant true and false.
		if f, isNumber := toFloat(v); isNumber && (f == 0 || f == 1) {
			return f == 1, true
		}
	}
	tc.fail(path, "%s is not true or false", describe(v))
	return nil, false
}

func (tc *typeChecker) wholeNumber(v any, t reflect.Type, path string) (any, bool) {
	if s, isText := v.(string); isText {
		if strings.TrimSpace(s) == "" {
			return int64(0), true // an empty environment variable
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 0, t.Bits())
		switch {
		case err == nil:
			return n, true
		case errors.Is(err, strconv.ErrRange):
			tc.fail(path, "%q is too %s a number", s, sizeWord(strings.HasPrefix(strings.TrimSpace(s), "-")))
		default:
			tc.fail(path, "%q is not a whole number", s)
		}
		return nil, false
	}
	if u, isUint := v.(uint64); isUint {
		if u > math.MaxInt64 {
			tc.fail(path, "%d is too large a number", u)
			return nil, false
		}
		v = int64(u)
	}
	f, isNumber := toFloat(v)
	switch {
	case !isNumber || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f):
		tc.fail(path, "%s is not a whole number", describe(v))
		return nil, false
	case intOverflows(v, f, t.Bits()):
		tc.fail(path, "%s is too %s a number", describe(v), sizeWord(f < 0))
		return nil, false
	}
	if n, isInt := toInt(v); isInt {
		return n, true
	}
	return int64(f), true
}

func (tc *typeChecker) number(v any, path string) (any, bool) {
	if s, isText := v.(string); isText {
		if strings.TrimSpace(s) == "" {
			return float64(0), true // an empty environment variable
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return f, true
		}
		tc.fail(path, "%q is not a number", s)
		return nil, false
	}
	if _, isNumber := toFloat(v); isNumber {
		return v, true
	}
	tc.fail(path, "%s is not a number", describe(v))
	return nil, false
}

// text checks a key that holds text. Any single value will do: a number
// or true/false is taken as the text it was written as. The value itself
// is never repeated, for a secret is text too.
func (tc *typeChecker) text(v any, t reflect.Type, path string) (any, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case time.Time:
		return formatTime(x), true
	}
	if isComposite(v) {
		want, known := wanted[t]
		if !known {
			want = "a single value"
		}
		tc.fail(path, "%s is not %s", describe(v), want)
		return nil, false
	}
	return v, true
}

// describe says what a value is, in the words of a config file: text
// quoted, numbers and true/false as written, lists and maps by their kind
// only.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case time.Time:
		return formatTime(x)
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "a map"
	}
	return fmt.Sprint(v)
}

// kindOf says what kind of value v is without repeating it, for a key that
// wants a map of keys but may hold a secret somewhere under it.
func kindOf(v any) string {
	switch x := v.(type) {
	case string:
		return "text"
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return "a date"
	}
	if _, isNumber := toFloat(v); isNumber {
		return "a number"
	}
	return describe(v)
}

func isComposite(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		_, isTime := v.(time.Time)
		return !isTime
	}
	return false
}

// formatTime writes a YAML timestamp back as it was most likely written.
func formatTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 && t.Location() == time.UTC {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}

// toFloat returns a number of any Go numeric type as a float64.
func toFloat(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}

// toInt returns a value of any signed or unsigned Go integer type as an
// int64, when it is one and fits.
func toInt(v any) (int64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u), true
		}
	}
	return 0, false
}

// intOverflows reports whether the whole number v (f as a float) does not
// fit in a signed integer of bits bits.
func intOverflows(v any, f float64, bits int) bool {
	lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
	if n, isInt := toInt(v); isInt {
		return n < lo || n > hi
	}
	// -2^(bits-1) is exact as a float; 2^(bits-1)-1 may round up to 2^(bits-1).
	return f < float64(lo) || f >= -float64(lo)
}

func sizeWord(negative bool) string {
	if negative {
		return "small"
	}
	return "large"
}

// underAny reports whether path is one of paths or a key inside one.
func underAny(path string, paths []string) bool {
	for _, p := range paths {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}

// problemPath returns the key path a problem is about.
func problemPath(p error) string {
	var ke *configkey.Error
	if errors.As(p, &ke) {
		return ke.Path
	}
	path, _, _ := strings.Cut(p.Error(), ": ")
	return path
}
