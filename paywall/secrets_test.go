package paywall

import (
	"bytes"
	"errors"
	"path/filepath"
	"sync"
	"testing"
)

// A recording's secret is made once, survives the ledger's close and
// reopening (a restart, or a kill -9: bbolt syncs it before it is handed
// out), and is never made up for a recording that has none.
func TestRecordingSecretsAreDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l := openLedger(t, path)
	if _, err := l.RecordingSecret("demo", "r1", false); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("no secret yet: %v, want ErrNoSecret", err)
	}
	// Made at once by many callers: one secret.
	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := l.RecordingSecret("demo", "r1", true)
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		}()
	}
	wg.Wait()
	for _, s := range got[1:] {
		if len(s) != secretSize || !bytes.Equal(s, got[0]) {
			t.Fatalf("secrets made at once differ: %x, %x", got[0], s)
		}
	}
	other, err := l.RecordingSecret("demo", "r2", true)
	if err != nil || bytes.Equal(other, got[0]) {
		t.Fatalf("another recording's secret: %x, %v", other, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openLedger(t, path)
	again, err := l.RecordingSecret("demo", "r1", false)
	if err != nil || !bytes.Equal(again, got[0]) {
		t.Errorf("after reopening: %x, %v; want %x", again, err, got[0])
	}
	if _, err := l.RecordingSecret("", "r1", true); err == nil {
		t.Error("a secret for no stream was made")
	}
}
