package paywall

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"runtime"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// fuzzLogSeeds are logs as the writer leaves them, whole, torn and
// damaged, and version 1's JSON lines; frames without their header, and
// a torn header alone.
func fuzzLogSeeds() [][]byte {
	a := newAccount()
	a.Best = voucher(common.Hash{1}, 1000)
	a.Spent.SetInt64(20)
	a.add("demo", nil, a.Spent, nil)
	a.Preview["demo"] = 4e9
	recs := []record{
		newRecord(common.Hash{1}, &a, "", nil),
		newRecord(common.Hash{1}, &a, "charges-2026-12-02", chargeKey(common.Hash{1}, "s", "demo/rec/1")),
		newRecord(common.Hash{2}, &Account{Spent: a.Spent}, "charges-2026-12-02", chargeKey(common.Hash{2}, "t", "demo/rec/2")),
	}
	whole := encodeLog(0, 1, [][]record{recs[:1], recs[1:]})
	second := encodeLog(4, 5, [][]record{recs[1:2], recs[2:]})
	cut := bytes.Clone(whole[:len(whole)-512-40])
	flipped := bytes.Clone(whole)
	flipped[headerFrameLen+30] ^= 1
	gap := append(bytes.Clone(whole[:headerFrameLen]), make([]byte, 64)...)
	gap = append(gap, whole[headerFrameLen:]...)
	huge := bytes.Clone(whole)
	binary.LittleEndian.PutUint32(huge[headerFrameLen+4:], 1<<31)
	var legacy []byte
	for _, r := range recs {
		legacy = append(r.appendJSON(legacy), '\n')
	}
	return [][]byte{whole, second, cut, flipped, gap, huge, legacy, append(bytes.Clone(legacy[:len(legacy)-9]), 0, 0, 0),
		appendHeaderFrame(nil, 3), {}, make([]byte, 100),
		whole[headerFrameLen:], // frames whose header was lost: a torn commit, its number theirs
		append(bytes.Clone(whole[:frameSize]), make([]byte, 64)...), // a torn header alone
	}
}

// FuzzLedgerReplay reads arbitrary bytes as a log segment. Besides never
// panicking: what it allocates is bounded by its buffer (itself bounded
// by the longest frame) and the input's size, never by a length read from
// the input; every record it accepts is the frame the writer would write
// for it, byte for byte, and in commits numbered as the writer numbers
// them; a segment it finds whole is zeros after its end; and what it
// accepts, written again by the encoder, reads back the same. With seal,
// the input's frames get the checksums they need, so the fuzzer reaches
// the records' decoding and the commits' numbering.
func FuzzLedgerReplay(f *testing.F) {
	for _, seed := range fuzzLogSeeds() {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, seal bool) {
		if seal {
			data = sealFrames(bytes.Clone(data))
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := scanLog(bytes.NewReader(data), int64(len(data)))
		runtime.ReadMemStats(&after)
		buffer := min(max(len(data), 4096), frameSize+maxFramePayload)
		if n, bound := after.TotalAlloc-before.TotalAlloc, uint64(2*buffer+64*len(data)+64<<10); n > bound {
			t.Fatalf("reading %d bytes allocated %d, over %d", len(data), n, bound)
		}
		if err != nil {
			var d *logDamage
			if !errors.As(err, &d) || d.off < 0 || d.off > int64(len(data)) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if s.end < 0 || s.end > int64(len(data)) {
			t.Fatalf("end %d of %d bytes", s.end, len(data))
		}
		if s.legacy {
			return // no checksums, no canonical form: only bounded, and no panic
		}
		checkFrames(t, data, s)
		if !s.torn && !allZero(data[s.end:]) {
			t.Fatalf("whole, yet not zeros after %d", s.end)
		}
		// The torn commit's number, which replay checks against the
		// next segment's header: the next after the whole ones, or, with
		// no header, that of a valid record frame past the end.
		switch {
		case !s.torn && s.tornCommit != 0:
			t.Fatalf("whole, yet commit %d torn", s.tornCommit)
		case s.torn && s.header && s.tornCommit != s.done+1:
			t.Fatalf("torn after commit %d, yet the torn one is %d", s.done, s.tornCommit)
		case s.torn && !s.header && s.tornCommit != 0 && !hasRecordFrame(data[s.end:], s.tornCommit):
			t.Fatalf("torn commit %d, yet no frame of it", s.tornCommit)
		}
		if !s.header {
			return
		}
		// Written again by the encoder, it reads back the same.
		var commits [][]record
		for i := range s.spans {
			if i == 0 || s.spans[i-1].last {
				commits = append(commits, nil)
			}
			commits[len(commits)-1] = append(commits[len(commits)-1], s.recs[i])
		}
		again := encodeLog(s.acked, s.acked+1, commits)
		s2, err := scanLog(bytes.NewReader(again), int64(len(again)))
		if err != nil || s2.torn || s2.done != s.done || len(s2.recs) != len(s.recs) {
			t.Fatalf("written again: done %d, %d records, torn %v, %v; first read: done %d, %d records", s2.done, len(s2.recs), s2.torn, err, s.done, len(s.recs))
		}
		if !bytes.Equal(again[:s.end], data[:s.end]) {
			t.Fatal("written again, the whole commits differ")
		}
	})
}

// checkFrames checks the frames s accepted are the writer's, byte for
// byte, one after another from the header, in commits numbered from the
// header's.
func checkFrames(t *testing.T, data []byte, s logScan) {
	t.Helper()
	off := int64(0)
	if s.header {
		if h := appendHeaderFrame(nil, s.acked); !bytes.Equal(data[:len(h)], h) {
			t.Fatalf("header %x, the writer's %x", data[:len(h)], h)
		}
		off = int64(headerFrameLen)
	} else if len(s.recs) > 0 {
		t.Fatal("records without a header")
	}
	commit := s.acked + 1
	for i, sp := range s.spans {
		if sp.off != off || sp.commit != commit {
			t.Fatalf("record %d at %d in commit %d, want %d and %d", i, sp.off, sp.commit, off, commit)
		}
		want := appendRecordFrame(nil, &s.recs[i], sp.commit, sp.last)
		if got := data[sp.off : sp.off+int64(sp.size)]; !bytes.Equal(got, want) {
			t.Fatalf("record %d: frame %q, the writer's %q", i, got, want)
		}
		off += int64(sp.size)
		if sp.last {
			commit++
		}
	}
	if n := len(s.spans); (n > 0 && !s.spans[n-1].last) || s.done != commit-1 || off != s.end {
		t.Fatalf("%d records end at %d, done %d; scan says end %d, done %d", n, off, commit-1, s.end, s.done)
	}
}

// sealFrames gives each frame in data, read one after another (skipping
// a byte where none begins), the checksum it needs.
func sealFrames(data []byte) []byte {
	for i := 0; i+frameSize <= len(data); {
		if data[i] != frameMagic[0] || data[i+1] != frameMagic[1] {
			i++
			continue
		}
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		if n > len(data)-i-frameSize {
			i++
			continue
		}
		f := data[i : i+frameSize+n]
		crc := crc32.Update(crc32.Update(0, castagnoli, f[:16]), castagnoli, f[frameSize:])
		binary.LittleEndian.PutUint32(f[16:20], crc)
		i += len(f)
	}
	return data
}

// hasRecordFrame says whether data holds a valid record frame of commit.
func hasRecordFrame(data []byte, commit uint64) bool {
	for i := 0; i+frameSize <= len(data); i++ {
		h := data[i:]
		if h[0] != frameMagic[0] || h[1] != frameMagic[1] || h[2] != frameKindRecord || binary.LittleEndian.Uint64(h[8:16]) != commit {
			continue
		}
		n := int(binary.LittleEndian.Uint32(h[4:8]))
		if n > maxFramePayload || n > len(h)-frameSize {
			continue
		}
		f := h[:frameSize+n]
		if _, ok := peekFrame(bufio.NewReaderSize(bytes.NewReader(f), len(f))); ok {
			return true
		}
	}
	return false
}
