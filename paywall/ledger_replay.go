package paywall

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	bolt "go.etcd.io/bbolt"
)

// Opening the ledger: bbolt's accounts, then the log segments a crash
// left behind, replayed into bbolt (a torn last commit is cut; damage to
// acknowledged records stops the ledger from opening).

// recover loads bbolt's accounts, replays the log segments a crash left,
// moves them into bbolt and deletes them. A torn tail of the last segment
// (its last commit, never acknowledged) is cut, with a warning; damage
// anywhere else stops it, naming the segment and the offset (see
// replay).
func (l *BoltLedger) recover() error {
	segs := l.segments()
	if len(segs) > 0 {
		l.walSeq = seqOf(segs[len(segs)-1], l.path)
	}
	recs, err := l.replay(segs)
	if err != nil {
		return err
	}
	err = l.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketAccounts); err != nil {
			return err
		}
		if err := applyRecords(tx, recs); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
			var j accountJSON
			if err := json.Unmarshal(v, &j); err != nil {
				return fmt.Errorf("account %x: %w", k, err)
			}
			a, err := decodeAccount(common.BytesToHash(k), j)
			if err != nil {
				return fmt.Errorf("account %x: %w", k, err)
			}
			l.accounts[common.BytesToHash(k)] = &account{Account: a}
			return nil
		}); err != nil {
			return err
		}
		return l.prune(tx)
	})
	if err != nil {
		return err
	}
	for _, seg := range segs {
		if err := os.Remove(seg); err != nil {
			return err
		}
	}
	return nil
}

func seqOf(seg, path string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(seg, path+".wal."))
	return n
}

// segments lists the log's segments, oldest first.
func (l *BoltLedger) segments() []string {
	all, _ := filepath.Glob(l.path + ".wal.*")
	segs := all[:0]
	for _, seg := range all {
		if _, err := strconv.Atoi(strings.TrimPrefix(seg, l.path+".wal.")); err == nil {
			segs = append(segs, seg)
		}
	}
	slices.SortFunc(segs, func(a, b string) int { return seqOf(a, l.path) - seqOf(b, l.path) })
	return segs
}

// replay reads the log's segments, oldest first, and returns the records
// of their acknowledged commits. Within a segment, scanLog tells a torn
// tail from damage. Across segments, each one's header says which
// commits were acknowledged before it, which the segments before it (when
// they are still there) must hold: a torn tail there was a write that
// failed, never acknowledged, or else it is damage; commits missing from
// their end were lost; and whole commits past what the header says were
// written, but their sync failed. A segment holding no frame (zeros, or
// the torn write of its header: the writer syncs a header before writing
// anything after it) is a new segment the writer could not start; it
// holds nothing and says nothing, and replay passes over it. A torn tail
// followed by nothing but such segments is the log's end, torn: never
// acknowledged.
func (l *BoltLedger) replay(segs []string) ([]record, error) {
	var recs []record
	// prev is the segment before; known and done, the last commit the
	// unbroken run up to it holds whole, when a header says, and held
	// and end, the segment holding it and where its whole commits end.
	var prev struct {
		seg, held string
		seq       int
		legacy    bool
		known     bool
		done      uint64
		end       int64
	}
	// last is where the frames of the last segment that held records
	// are, which end recs: a later header may say their last commits'
	// sync failed.
	var last struct{ spans []span }
	// torn is a torn commit not yet accounted for: only a header after
	// it, or the log's end, says it was never acknowledged.
	type tornTail struct {
		seg    string
		off    int64
		commit uint64
	}
	var torn *tornTail
	for _, seg := range segs {
		s, err := scanLogFile(seg)
		if d := (*logDamage)(nil); errors.As(err, &d) {
			return nil, damagedLog(seg, d)
		}
		if err != nil {
			return nil, fmt.Errorf("reading the log: %w", err)
		}
		seq := seqOf(seg, l.path)
		next := prev.seg != "" && !prev.legacy && !s.legacy && prev.seq+1 == seq
		if !next {
			if torn != nil {
				return nil, damagedLog(torn.seg, &logDamage{torn.off, "a torn commit in a segment before the last, and no header after it says it was never acknowledged"})
			}
			prev.known, last.spans = false, nil
		}
		if s.header {
			if torn != nil && s.acked >= torn.commit {
				return nil, damagedLog(torn.seg, &logDamage{torn.off, fmt.Sprintf("commit %d, acknowledged (as %s says), is not whole", torn.commit, filepath.Base(seg))})
			}
			if prev.known && s.acked > prev.done {
				return nil, damagedLog(prev.held, &logDamage{prev.end, fmt.Sprintf("commits %d to %d, acknowledged (as %s says), are missing", prev.done+1, s.acked, filepath.Base(seg))})
			}
			if torn != nil {
				slog.Default().Warn("ledger: a log segment ends in a write that failed, never acknowledged; cut", "file", torn.seg, "offset", torn.off)
				torn = nil
			}
			if prev.known && s.acked < prev.done {
				// The writer's sync of these failed: their callers were
				// told so, and they were left out of the accounts in
				// memory.
				n := 0
				for _, sp := range last.spans {
					if sp.commit > s.acked {
						n++
					}
				}
				recs, last.spans = recs[:len(recs)-n], nil
				slog.Default().Warn("ledger: a log segment ends in commits whose sync failed, never acknowledged; cut", "file", prev.held, "commits", prev.done-s.acked)
			}
		}
		switch {
		case s.legacy:
			if s.torn {
				slog.Default().Warn("ledger: a log segment (without checksums) ends in a line that does not decode; dropped", "file", seg, "offset", s.end)
			}
		case s.torn && s.tornCommit != 0:
			if torn != nil { // a torn commit, then frames without a header
				return nil, damagedLog(torn.seg, &logDamage{torn.off, "a torn commit in a segment before the last, and no header after it says it was never acknowledged"})
			}
			torn = &tornTail{seg, s.end, s.tornCommit}
		case s.torn:
			slog.Default().Warn("ledger: a log segment begins with a torn header and holds nothing; passed over", "file", seg)
		}
		recs = append(recs, s.recs...)
		if len(s.recs) > 0 {
			last.spans = s.spans
		}
		if s.header {
			prev.known, prev.done, prev.held, prev.end = true, s.done, seg, s.end
		} else if s.legacy {
			prev.known = false
		}
		prev.seg, prev.seq, prev.legacy = seg, seq, s.legacy
	}
	if torn != nil {
		if torn.seg == prev.seg {
			slog.Default().Warn("ledger: the log ends in a torn write, never acknowledged; cut", "file", torn.seg, "offset", torn.off)
		} else {
			slog.Default().Warn("ledger: the log ends in a torn write, never acknowledged, and new segments holding nothing; cut", "file", torn.seg, "offset", torn.off)
		}
	}
	return recs, nil
}

// damagedLog is the error for damage in seg: replay stops, since records
// acknowledged to viewers would be lost.
func damagedLog(seg string, d *logDamage) error {
	return fmt.Errorf("the log segment %s is %w. It holds records acknowledged as durable, so the ledger will not open without them: "+
		"restore the data directory from a backup, or, to open it anyway, move %s out of the way "+
		"(the payments and charges it holds that are not yet in the ledger's database are then lost)", seg, d, seg)
}
