package paywall

import (
	"log/slog"
	"maps"
	"os"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	bolt "go.etcd.io/bbolt"
)

// The checkpointer: every second it moves synced records from the log
// into bbolt and deletes the log segments it has emptied. Charges are kept
// in bbolt in one bucket per day (today and yesterday); sessions idle in
// memory are forgotten once their charges are there.

var bucketAccounts = []byte("accounts")

// applyRecords writes records into bbolt, in order: an account's last
// snapshot wins (the only one written), charges are added.
func applyRecords(tx *bolt.Tx, recs []record) error {
	accounts := tx.Bucket(bucketAccounts)
	last := make(map[common.Hash]int, len(recs))
	for i, r := range recs {
		last[r.Channel] = i
	}
	for i, r := range recs {
		if last[r.Channel] == i {
			if err := accounts.Put(r.Channel[:], r.Account); err != nil {
				return err
			}
		}
		if r.Key != nil {
			day, err := tx.CreateBucketIfNotExists([]byte(r.Day))
			if err != nil {
				return err
			}
			if err := day.Put(r.Key, []byte{1}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkpointer moves synced records into bbolt every second (or sooner
// when many are waiting) and deletes the log segment they came from; every
// sessionIdle/4 it forgets the charges of idle sessions.
func (l *BoltLedger) checkpointer() {
	defer close(l.ckptDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	swept := time.Now()
	for {
		select {
		case <-l.ckptStop:
			return
		case <-t.C:
		case <-l.kick:
		}
		if err := l.checkpoint(); err != nil {
			// The log still holds everything: nothing is lost, the log grows.
			slog.Default().Error("ledger: checkpoint failed; will retry", "err", err)
		}
		if time.Since(swept) > sessionIdle/4 {
			l.forgetIdle(l.now())
			swept = time.Now()
		}
	}
}

func (l *BoltLedger) checkpoint() error {
	l.walMu.Lock()
	recs := l.unapplied
	if len(recs) == 0 {
		l.walMu.Unlock()
		return nil
	}
	// Segments before the current one are written out: once recs are in
	// bbolt, all they hold is. The current one stays, holding records
	// already moved too; replaying those after a crash is harmless, since a
	// record is the account as the change left it, replayed in order.
	// (Rotating here, every checkpoint, made a 64 MB segment a second and
	// cost the writer's syncs dearly.)
	boundary := l.walSeq
	l.unapplied = nil
	l.walMu.Unlock()
	err := l.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(dayBucket(l.now())) == nil { // a new day: drop the day before yesterday
			if err := l.prune(tx); err != nil {
				return err
			}
		}
		return applyRecords(tx, recs)
	})
	if err != nil {
		// Put them back in front: the next checkpoint tries again; the old
		// segment stays on disk until then.
		l.walMu.Lock()
		l.unapplied = append(recs, l.unapplied...)
		l.walMu.Unlock()
		return err
	}
	// Every segment before the current one is now in bbolt. They go
	// oldest first, so a crash meanwhile leaves the newer ones, in an
	// unbroken run, and replay can check each against the next.
	for _, seg := range l.segments() {
		if seqOf(seg, l.path) < boundary {
			_ = os.Remove(seg)
		}
	}
	l.pendMu.Lock()
	for _, r := range recs {
		if r.Key != nil {
			k := string(sessionKey(r.Key))
			if l.pending[k]--; l.pending[k] <= 0 {
				delete(l.pending, k)
			}
		}
	}
	l.pendMu.Unlock()
	return nil
}

// sessionIdle is how long at least a session's charges stay in memory
// after its last charge (the sweep runs every sessionIdle/4, and skips a
// session with charges still in the log); forgetting them costs its next
// charge a look in bbolt.
const sessionIdle = 5 * time.Minute

// forgetIdle drops from memory the charges of sessions idle since before
// now-sessionIdle whose charges are all in bbolt (none pending in the log),
// so a session loaded again finds them there.
func (l *BoltLedger) forgetIdle(now time.Time) {
	l.mu.Lock()
	accounts := make(map[common.Hash]*account, len(l.accounts))
	maps.Copy(accounts, l.accounts)
	l.mu.Unlock()
	for ch, a := range accounts {
		a.mu.Lock()
		for id, c := range a.sessions {
			if now.Sub(c.used) < sessionIdle {
				continue
			}
			l.pendMu.Lock()
			pending := l.pending[string(chargeKey(ch, id, ""))] > 0
			l.pendMu.Unlock()
			if !pending {
				delete(a.sessions, id)
			}
		}
		a.mu.Unlock()
	}
}

// Charges are kept in bbolt in one bucket per UTC day; a session loaded
// from bbolt reads today's and yesterday's, and older days are dropped. The
// names are cached (formatting dates showed in every charge's profile);
// callers only read them.
func dayBucket(t time.Time) []byte {
	day := t.UTC().Truncate(24 * time.Hour)
	dayNames.Lock()
	defer dayNames.Unlock()
	if name, ok := dayNames.m[day]; ok {
		return name
	}
	if len(dayNames.m) >= 4 || dayNames.m == nil {
		dayNames.m = map[time.Time][]byte{}
	}
	name := []byte("charges-" + day.Format("2006-01-02"))
	dayNames.m[day] = name
	return name
}

var dayNames struct {
	sync.Mutex
	m map[time.Time][]byte
}

func (l *BoltLedger) prune(tx *bolt.Tx) error {
	keep := map[string]bool{string(dayBucket(l.now())): true, string(dayBucket(l.now().Add(-24 * time.Hour))): true}
	var old [][]byte
	_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if len(name) > 8 && string(name[:8]) == "charges-" && !keep[string(name)] {
			old = append(old, append([]byte(nil), name...))
		}
		return nil
	})
	for _, n := range old {
		if err := tx.DeleteBucket(n); err != nil {
			return err
		}
	}
	return nil
}
