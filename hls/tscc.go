package hls

// continueCC renumbers the continuity counters of a rendition's MPEG-TS
// segment so that every PID runs on from where the rendition's previous
// segment left it, as in one continuous stream: a transcoder makes each
// segment on its own and starts every counter again. last maps a PID to
// the counter of its last packet with a payload, and is updated. A packet
// without a payload repeats its PID's counter (ISO/IEC 13818-1 2.4.3.3).
// Bytes that are not whole packets are left as they are.
func continueCC(data []byte, last map[uint16]byte) {
	if len(data)%188 != 0 {
		return
	}
	for off := 0; off < len(data); off += 188 {
		if data[off] != 0x47 {
			return
		}
	}
	for off := 0; off < len(data); off += 188 {
		p := data[off : off+188]
		pid := uint16(p[1]&0x1f)<<8 | uint16(p[2])
		if pid == 0x1fff { // null packets carry no counter that matters
			continue
		}
		prev, seen := last[pid]
		switch {
		case p[3]&0x10 != 0:
			cc := p[3] & 0x0f
			if seen {
				cc = (prev + 1) & 0x0f
			}
			p[3] = p[3]&0xf0 | cc
			last[pid] = cc
		case seen:
			p[3] = p[3]&0xf0 | prev
		}
	}
}
