package paywall

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	bolt "go.etcd.io/bbolt"
)

// charged remembers which segments one session has been charged for, so
// that a charge looks in memory rather than in bbolt (a read transaction
// per segment was a fifth of what a paid segment costs the server more
// than a free one). A segment key ends in a sequence number
// (stream/recording/seq, see Item.key) and a viewer's segments mostly
// follow one another, so each prefix keeps sorted, disjoint runs of
// numbers: a live viewer's whole session is one run.
type charged struct {
	// The runs of the first prefix (the key up to and including its last
	// '/') are kept here, others in more: a session mostly watches one
	// recording, and a map for it would be most of the session's memory.
	prefix string
	runs   []run // nil until the first is added
	more   map[string][]run
	other  map[string]struct{} // keys that do not end in a plain number
	used   time.Time           // the last charge asked for, to forget idle sessions
}

type run struct{ lo, hi int64 } // inclusive

// splitSeq splits a key into its prefix and its sequence number, when it
// ends in one written plainly (no sign, no leading zero) in at most 18
// digits (so n±1 cannot overflow), so that two keys share a run only when
// they differ in that number alone. Other keys are kept whole.
func splitSeq(key string) (prefix string, seq int64, ok bool) {
	i := strings.LastIndexByte(key, '/') + 1
	digits := key[i:]
	if digits == "" || len(digits) > 18 || (digits[0] == '0' && len(digits) > 1) {
		return "", 0, false
	}
	for _, d := range []byte(digits) {
		if d < '0' || d > '9' {
			return "", 0, false
		}
		seq = seq*10 + int64(d-'0')
	}
	return key[:i], seq, true
}

// find returns the index of the first run ending at or after n.
func find(rs []run, n int64) int {
	i, _ := slices.BinarySearchFunc(rs, n, func(r run, n int64) int {
		if r.hi < n {
			return -1
		}
		return 1
	})
	return i
}

func (c *charged) has(key string) bool {
	prefix, n, ok := splitSeq(key)
	if !ok {
		_, in := c.other[key]
		return in
	}
	rs := c.runsOf(prefix)
	i := find(rs, n)
	return i < len(rs) && rs[i].lo <= n
}

func (c *charged) runsOf(prefix string) []run {
	if c.runs != nil && c.prefix == prefix {
		return c.runs
	}
	return c.more[prefix]
}

// set stores a prefix's runs, copying the prefix the first time: it is
// part of a caller's key.
func (c *charged) set(prefix string, rs []run) {
	switch {
	case c.runs == nil:
		c.prefix, c.runs = strings.Clone(prefix), rs
	case c.prefix == prefix:
		c.runs = rs
	default:
		if c.more == nil {
			c.more = map[string][]run{}
		}
		if _, known := c.more[prefix]; !known {
			prefix = strings.Clone(prefix)
		}
		c.more[prefix] = rs
	}
}

func (c *charged) add(key string) {
	prefix, n, ok := splitSeq(key)
	if !ok {
		if c.other == nil {
			c.other = map[string]struct{}{}
		}
		c.other[strings.Clone(key)] = struct{}{}
		return
	}
	rs := c.runsOf(prefix)
	switch i := find(rs, n-1); {
	case i < len(rs) && rs[i].lo <= n+1: // n is in, or next to, run i
		rs[i].lo, rs[i].hi = min(rs[i].lo, n), max(rs[i].hi, n)
		if i+1 < len(rs) && rs[i+1].lo <= rs[i].hi+1 { // n filled the gap to the next
			rs[i].hi = rs[i+1].hi
			c.set(prefix, slices.Delete(rs, i+1, i+2))
		}
		// else changed in place: a live viewer's next segment
	default:
		c.set(prefix, slices.Insert(rs, i, run{n, n}))
	}
}

// charged returns the segments a session has been charged for, loading
// them from bbolt's last two days on the session's first charge in this
// process (or since it was forgotten). Call with a.mu held. Whatever a
// session was charged before it was last forgotten is in bbolt by then
// (see forgetIdle), as far as bbolt keeps it (today and yesterday), and
// nothing is charged to it meanwhile, since a.mu is held. A session that
// keeps watching remembers all it was charged in this process; one
// loaded again, today's and yesterday's charges only.
func (l *BoltLedger) charged(a *account, ch common.Hash, session string, now time.Time) (*charged, error) {
	if c, ok := a.sessions[session]; ok {
		c.used = now
		return c, nil
	}
	c := &charged{used: now}
	prefix := chargeKey(ch, session, "")
	err := l.db.View(func(tx *bolt.Tx) error {
		for _, day := range [][]byte{dayBucket(now), dayBucket(now.Add(-24 * time.Hour))} {
			b := tx.Bucket(day)
			if b == nil {
				continue
			}
			cur := b.Cursor()
			for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
				c.add(string(k[len(prefix):]))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if a.sessions == nil {
		a.sessions = map[string]*charged{}
	}
	a.sessions[session] = c
	return c, nil
}

// sessionKey is the part of a charge key naming its channel and session:
// chargeKey(ch, session, "").
func sessionKey(key []byte) []byte {
	return key[:32+2+int(binary.BigEndian.Uint16(key[32:34]))]
}

// chargeKey is a charge's key in bbolt's day buckets and in the log: the
// channel, the session's length (two bytes, big endian), the session, and
// item, an Item's key (stream/recording/seq). With item "" it is the
// prefix of all of the session's charges.
func chargeKey(ch common.Hash, session, item string) []byte {
	k := make([]byte, 0, 32+2+len(session)+len(item))
	k = append(k, ch[:]...)
	k = binary.BigEndian.AppendUint16(k, uint16(len(session)))
	k = append(k, session...)
	return append(k, item...)
}
