package paywall

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// The ledger's log, version 2. A segment (path.wal.N) is preallocated and
// written with zeros ahead of the writer; frames follow one another from
// offset 0, and the log ends where the zeros begin. Each frame:
//
//	[0:2]   magic 0xb7 0x4c (neither '{', which began version 1's JSON lines, nor zero)
//	[2]     kind: frameKindHeader (the segment's first frame) or frameKindRecord
//	[3]     flags: for a record, 1 on its group commit's last record
//	[4:8]   payload length, little endian, at most maxFramePayload
//	[8:16]  little endian: a record's group commit, numbered from 1 in each
//	        run of the process and across its segments (a failed one's
//	        number is used again); in a header, the last commit
//	        acknowledged before the segment (0 for none), so the
//	        segment's first commit is the next
//	[16:20] CRC-32C of bytes [0:16] and the payload
//	[20:]   payload: a record's JSON (record.appendJSON); a header's logMagic
//
// A group commit is one write and one sync, and is acknowledged whole.
// A segment's header is written and synced on its own when the segment
// starts, before any record. A crash can tear only the last commit of the
// last segment holding records; a write or sync that fails has the writer
// start a new segment at once, whose header says which commits were
// acknowledged before it (and zero the failed bytes, in case it cannot).
// A new segment the writer could not start holds no frame: zeros, or a
// torn header. So replay can tell a torn tail, cut as never acknowledged,
// from damage to acknowledged records, which stops the ledger from
// opening (see scanLog and BoltLedger.replay).
const (
	frameSize       = 20 // a frame's fixed part
	frameKindHeader = 1
	frameKindRecord = 2
	frameLast       = 1       // flag: the commit's last record
	maxFramePayload = 1 << 20 // the longest line version 1's replay read
	logMagic        = "livegate ledger log 2"
	// headerFrameLen is a header frame's length; the writer keeps that
	// much room in front of each write, used when the write begins a
	// segment.
	headerFrameLen = frameSize + len(logMagic)
)

var (
	frameMagic = [2]byte{0xb7, 0x4c}
	castagnoli = crc32.MakeTable(crc32.Castagnoli) // the hardware's, where there is one
)

// appendRecordFrame appends r's frame, in commit, to buf.
func appendRecordFrame(buf []byte, r *record, commit uint64, last bool) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, frameSize)...) // not allocated: a constant size, appended
	buf = r.appendJSON(buf)
	flags := byte(0)
	if last {
		flags = frameLast
	}
	sealFrame(buf[start:], frameKindRecord, flags, commit)
	return buf
}

// appendHeaderFrame appends a segment's header frame to buf.
func appendHeaderFrame(buf []byte, acked uint64) []byte {
	start := len(buf)
	buf = append(append(buf, make([]byte, frameSize)...), logMagic...)
	sealFrame(buf[start:], frameKindHeader, 0, acked)
	return buf
}

// sealFrame fills in the fixed part of f, a frame whose payload follows it.
func sealFrame(f []byte, kind, flags byte, commit uint64) {
	f[0], f[1], f[2], f[3] = frameMagic[0], frameMagic[1], kind, flags
	binary.LittleEndian.PutUint32(f[4:8], uint32(len(f)-frameSize))
	binary.LittleEndian.PutUint64(f[8:16], commit)
	crc := crc32.Update(crc32.Update(0, castagnoli, f[:16]), castagnoli, f[frameSize:])
	binary.LittleEndian.PutUint32(f[16:20], crc)
}

// frame is one read back, checked.
type frame struct {
	kind, flags byte
	commit      uint64
	size        int    // the whole frame's
	rec         record // a record frame's
}

// peekFrame reads the frame at br's position without consuming it: ok
// only if it is whole, its checksum matches, and its payload is what the
// writer would write (a record's JSON re-encodes to the same bytes).
func peekFrame(br *bufio.Reader) (f frame, ok bool) {
	h, _ := br.Peek(frameSize)
	if len(h) < frameSize || h[0] != frameMagic[0] || h[1] != frameMagic[1] {
		return f, false
	}
	n := binary.LittleEndian.Uint32(h[4:8])
	// Bounded before reading: a damaged length cannot make replay
	// allocate; br's buffer holds the longest frame.
	if n > maxFramePayload || frameSize+int(n) > br.Size() {
		return f, false
	}
	b, _ := br.Peek(frameSize + int(n))
	if len(b) < frameSize+int(n) {
		return f, false
	}
	if crc32.Update(crc32.Update(0, castagnoli, b[:16]), castagnoli, b[frameSize:]) != binary.LittleEndian.Uint32(b[16:20]) {
		return f, false
	}
	f = frame{kind: b[2], flags: b[3], commit: binary.LittleEndian.Uint64(b[8:16]), size: len(b)}
	payload := b[frameSize:]
	switch f.kind {
	case frameKindHeader:
		return f, f.flags == 0 && string(payload) == logMagic
	case frameKindRecord:
		if f.flags&^frameLast != 0 || f.commit == 0 || len(payload) == 0 {
			return f, false
		}
		if err := json.Unmarshal(payload, &f.rec); err != nil || len(f.rec.Account) == 0 || f.rec.Account[0] != '{' {
			return f, false
		}
		return f, bytes.Equal(f.rec.appendJSON(make([]byte, 0, len(payload))), payload)
	}
	return f, false
}

// logScan is what one log segment holds.
type logScan struct {
	legacy bool   // version 1: JSON lines
	header bool   // began with a header frame
	acked  uint64 // the header's: the last commit acknowledged before the segment
	// done is the last commit the segment holds whole (acked when it
	// holds none); recs are their records, in order, and spans where
	// their frames are.
	done  uint64
	recs  []record
	spans []span
	// end is where the whole commits end: at the zeros that follow, or
	// where a torn commit begins.
	end  int64
	torn bool // from end on, an incomplete or damaged commit (never acknowledged, if this is the last segment)
	// tornCommit is the torn commit's number, if known: the next after
	// done, or, without a header, the one whose frames follow the gap. 0
	// when a segment without a header holds no valid frame at all.
	tornCommit uint64
}

type span struct {
	off    int64
	size   int
	commit uint64
	last   bool
}

// logDamage is damage to a log segment that a crash cannot explain:
// valid records follow it.
type logDamage struct {
	off int64
	why string
}

func (d *logDamage) Error() string { return fmt.Sprintf("damaged at byte %d: %s", d.off, d.why) }

// scanLog reads a log segment of size bytes (a bound for the buffer: it
// is never larger than the longest frame) from r. Its commits are read
// in order until the first frame that is not whole and valid; what
// follows is then read to the end. If it holds nothing but zeros and the
// last commit was whole, the segment ends there. Otherwise the commit
// being written there is torn: a crash during its write left part of it,
// or none, in any order (pages reach the disk in any order), so frames of
// that commit may follow the gap. Any other valid frame after it means
// acknowledged records follow the damage: a *logDamage error.
func scanLog(r io.Reader, size int64) (logScan, error) {
	br := bufio.NewReaderSize(r, int(min(max(size, 4096), frameSize+maxFramePayload)))
	if b, _ := br.Peek(1); len(b) == 1 && b[0] == '{' {
		return scanLegacyLog(br, size)
	}
	var s logScan
	var off, openAt int64
	var open []record // records of the commit being read, not yet whole
	var openSpans []span
	for {
		f, ok := peekFrame(br)
		if !ok {
			break
		}
		if off == 0 && f.kind == frameKindHeader {
			s.header, s.acked, s.done = true, f.commit, f.commit
		} else if f.kind != frameKindRecord || !s.header {
			break // a header out of place, or records without one: checked below
		} else {
			if f.commit != s.done+1 {
				return s, &logDamage{off, fmt.Sprintf("commit %d follows commit %d", f.commit, s.done)}
			}
			if len(open) == 0 {
				openAt = off
			}
			open = append(open, f.rec)
			openSpans = append(openSpans, span{off, f.size, f.commit, f.flags&frameLast != 0})
			if f.flags&frameLast != 0 {
				s.recs, s.spans, s.done = append(s.recs, open...), append(s.spans, openSpans...), f.commit
				open, openSpans = open[:0], openSpans[:0]
			}
		}
		if _, err := br.Discard(f.size); err != nil {
			return s, err
		}
		off += int64(f.size)
	}
	// The rest: zeros, or what a torn commit left.
	tc := tornCommit{commit: s.done + 1, known: s.header}
	nonzero, foreign, err := scanTail(br, off, &tc)
	if err != nil {
		return s, err
	}
	if foreign >= 0 {
		return s, &logDamage{off, fmt.Sprintf("a valid record follows at byte %d", foreign)}
	}
	s.end = off
	if len(open) > 0 || nonzero {
		s.torn = true
		if tc.known {
			s.tornCommit = tc.commit
		}
		if len(open) > 0 {
			s.end = openAt
		}
	}
	return s, nil
}

// tornCommit is the commit a crash may have torn: the next after the last
// whole one. Only its frames may follow the gap. Without the segment's
// header (torn too), its number is not known: the first frame found
// says it.
type tornCommit struct {
	commit uint64
	known  bool
}

func (t *tornCommit) allows(f frame) bool {
	if f.kind != frameKindRecord {
		return false
	}
	if !t.known {
		t.commit, t.known = f.commit, true
	}
	return f.commit == t.commit
}

// scanTail reads br to its end from off: whether any byte is not zero,
// and the offset of the first valid frame t does not allow (-1 if none).
func scanTail(br *bufio.Reader, off int64, t *tornCommit) (nonzero bool, foreign int64, err error) {
	for {
		buf, perr := br.Peek(br.Size())
		if len(buf) == 0 {
			if perr == io.EOF {
				perr = nil
			}
			return nonzero, -1, perr
		}
		i := bytes.Index(buf, frameMagic[:])
		if i < 0 {
			// The buffer's last byte may begin a frame, unless it is the
			// file's last.
			i = len(buf) - 1
			if perr != nil {
				i = len(buf)
			}
			nonzero = nonzero || !allZero(buf[:i])
			if _, err := br.Discard(i); err != nil {
				return nonzero, -1, err
			}
			off += int64(i)
			continue
		}
		nonzero = nonzero || !allZero(buf[:i])
		if _, err := br.Discard(i); err != nil {
			return nonzero, -1, err
		}
		off += int64(i)
		nonzero = true
		skip := 1
		if f, ok := peekFrame(br); ok {
			if !t.allows(f) {
				return nonzero, off, nil
			}
			skip = f.size
		}
		if _, err := br.Discard(skip); err != nil {
			return nonzero, -1, err
		}
		off += int64(skip)
	}
}

func allZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeros))
		if !bytes.Equal(b[:n], zeros[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// scanLegacyLog reads a version 1 segment, written before records had
// checksums: one record's JSON a line, up to the first line that does not
// decode (a torn last line, or the zeros after the last), as version 1
// did. It has no way to tell a torn line from damage.
func scanLegacyLog(br *bufio.Reader, size int64) (logScan, error) {
	s := logScan{legacy: true}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64*1024), maxFramePayload)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || len(r.Account) == 0 || r.Account[0] != '{' {
			s.torn = !allZero(sc.Bytes())
			return s, nil //nolint:nilerr // a line that does not parse ends the old log: torn if not zeros
		}
		s.recs = append(s.recs, r)
		s.end = min(s.end+int64(len(sc.Bytes()))+1, size) // the last line may have no newline
	}
	if err := sc.Err(); err != nil && !errors.Is(err, bufio.ErrTooLong) {
		return s, err
	}
	return s, nil
}

// scanLogFile scans the log segment at path.
func scanLogFile(path string) (logScan, error) {
	f, err := os.Open(path)
	if err != nil {
		return logScan{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return logScan{}, err
	}
	return scanLog(f, st.Size())
}
