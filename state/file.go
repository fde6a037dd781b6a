package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultPath is where the state file lives unless state.path says
// otherwise: systemd's StateDirectory for the opsd unit.
const DefaultPath = "/var/lib/opsd/state.db"

// File is a Store in a bbolt database on local disk: one bucket per kind,
// every write a transaction synced to disk before it returns, so a kill -9
// leaves either the old document or the new one.
type File struct {
	db   *bolt.DB
	path string
}

// OpenFile opens (creating it and its directory if needed) the state file
// at path. A file that is not a readable bbolt database is moved aside to
// path.corrupt-<time> and a new one started; moved names it, so the caller
// can say so once. A file another process holds open is an error: two
// daemons must not share one state file.
func OpenFile(path string, now time.Time) (f *File, moved string, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, "", fmt.Errorf("open state file %s: %w", path, err)
	}
	db, err := openBolt(path)
	if err != nil && !errors.Is(err, berrors.ErrTimeout) && fileExists(path) {
		moved = fmt.Sprintf("%s.corrupt-%s", path, now.UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(path, moved); rerr != nil {
			return nil, "", fmt.Errorf("open state file %s: %w (and it could not be moved aside: %w)", path, err, rerr)
		}
		db, err = openBolt(path)
	}
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, "", fmt.Errorf("open state file %s: another process holds it open", path)
		}
		return nil, "", fmt.Errorf("open state file %s: %w", path, err)
	}
	return &File{db: db, path: path}, moved, nil
}

func openBolt(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, err
	}
	// A file bbolt opens can still be damaged inside: read every page
	// once, so damage is found now and not in the middle of a run.
	if err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			return b.ForEach(func(_, _ []byte) error { return nil })
		})
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("read state file: %w", err)
	}
	return db, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Load reads kind/key into v.
func (f *File) Load(_ context.Context, kind, key string, v any) (bool, error) {
	var raw []byte
	err := f.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(kind)); b != nil {
			if got := b.Get([]byte(key)); got != nil {
				raw = append([]byte(nil), got...)
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read state %s/%s from %s: %w", kind, key, f.path, err)
	}
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("read state %s/%s from %s: %w", kind, key, f.path, err)
	}
	return true, nil
}

// Save writes v as kind/key and syncs the file.
func (f *File) Save(_ context.Context, kind, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("write state %s/%s: %w", kind, key, err)
	}
	err = f.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(kind))
		if err != nil {
			return err
		}
		return b.Put([]byte(key), raw)
	})
	if err != nil {
		return fmt.Errorf("write state %s/%s to %s: %w", kind, key, f.path, err)
	}
	return nil
}

// Where is the file's path.
func (f *File) Where() string { return "file " + f.path }

// Close closes the database.
func (f *File) Close() error { return f.db.Close() }
