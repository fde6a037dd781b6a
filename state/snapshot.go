package state

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// snapshotWait is how long ReadFile waits for a daemon's write to finish
// before it gives up on the file.
const snapshotWait = 200 * time.Millisecond

// ReadFile copies the state file at path into a new Memory store and
// closes the file at once, so a read-only command (plan, dlq list) sees
// what the daemon or the last run remembers without holding the file or
// ever writing it. What the caller saves stays in the copy. A missing
// file is an empty store; a file a running daemon holds open is an error
// saying so, as is one that cannot be read.
func ReadFile(path string) (*Memory, error) {
	m := NewMemory()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: snapshotWait})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("read state file %s: a running opsd holds it open", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read state file %s: %w", path, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(kind []byte, b *bolt.Bucket) error {
			return b.ForEach(func(key, v []byte) error {
				m.docs[string(kind)+"/"+string(key)] = append([]byte(nil), v...)
				return nil
			})
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read state file %s: %w", path, err)
	}
	return m, nil
}
