package config

import (
	"reflect"
	"strings"
)

// toMap turns a configuration value into the nested map koanf merges, keyed
// by koanf tags, so the defaults are loaded like any other layer.
func toMap(v any) map[string]any {
	m, _ := toValue(reflect.ValueOf(v)).(map[string]any)
	return m
}

func toValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return toValue(v.Elem())
	case reflect.Struct:
		if v.Type() == typeOfDuration {
			return v.Interface()
		}
		out := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get("koanf"), ",")[0]
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			if fv := toValue(v.Field(i)); fv != nil {
				out[name] = fv
			}
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		iter := v.MapRange()
		for iter.Next() {
			out[iter.Key().String()] = toValue(iter.Value())
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = toValue(v.Index(i))
		}
		return out
	}
	return v.Interface()
}
