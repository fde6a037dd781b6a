package state

import (
	"context"
	"encoding/json"
	"fmt"
)

// Load reads kind/key into v.
func (m *Memory) Load(_ context.Context, kind, key string, v any) (bool, error) {
	m.mu.Lock()
	b, ok := m.docs[kind+"/"+key]
	m.mu.Unlock()
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("read state %s/%s: %w", kind, key, err)
	}
	return true, nil
}

// Save writes v as kind/key.
func (m *Memory) Save(_ context.Context, kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("write state %s/%s: %w", kind, key, err)
	}
	m.mu.Lock()
	m.docs[kind+"/"+key] = b
	m.mu.Unlock()
	return nil
}

// Where is "memory".
func (m *Memory) Where() string { return "memory (forgotten on restart)" }

// Close does nothing.
func (m *Memory) Close() error { return nil }
