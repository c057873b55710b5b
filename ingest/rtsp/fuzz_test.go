package rtsp

import (
	"bufio"
	"bytes"
	"reflect"
	"testing"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/conn"
)

// FuzzRTSPRequests feeds bytes to the reader the server reads its
// clients with (gortsplib's conn.Conn: requests, and interleaved frames
// once recording), as a client's connection would, up to the bytes a
// connection may send before RECORD. Every request it accepts must
// marshal and parse back to itself (method, URL, headers, body), so what
// the handler sees is what was sent; an interleaved frame holds at most
// 64 KiB.
func FuzzRTSPRequests(f *testing.F) {
	for _, s := range []string{
		"OPTIONS rtsp://127.0.0.1:8554/main RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: Lavf59.27.100\r\n\r\n",
		"ANNOUNCE rtsp://127.0.0.1:8554/main RTSP/1.0\r\nContent-Type: application/sdp\r\nCSeq: 2\r\nContent-Length: 38\r\n\r\nv=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=No Name\r\n",
		"SETUP rtsp://127.0.0.1:8554/main/trackID=0 RTSP/1.0\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\nCSeq: 3\r\n" +
			"Authorization: Digest username=\"u\", realm=\"IPCAM\", nonce=\"abc\", uri=\"rtsp://127.0.0.1:8554/main\", response=\"00\"\r\n\r\n",
		"RECORD rtsp://127.0.0.1:8554/main RTSP/1.0\r\nRange: npt=0.000-\r\nCSeq: 5\r\nSession: 1234\r\n\r\n$\x00\x00\x04\x80\x60\x00\x01",
		"GET_PARAMETER rtsp://x/ RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 99999999\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 64<<10 {
			b = b[:64<<10]
		}
		c := conn.NewConn(&readOnly{bytes.NewReader(b)})
		for range 64 {
			what, err := c.Read()
			if err != nil {
				return
			}
			switch w := what.(type) {
			case *base.Request:
				out, err := w.Marshal()
				if err != nil {
					t.Fatalf("a parsed request does not marshal: %v", err)
				}
				var back base.Request
				if err := back.Unmarshal(bufio.NewReader(bytes.NewReader(out))); err != nil {
					t.Fatalf("%q parses to %q, which does not parse: %v", b, out, err)
				}
				// The URL's text may be normalized ("rtsp:/0" is written
				// "rtsp:///0"); what the handler reads of it may not change.
				if back.Method != w.Method || back.URL.Scheme != w.URL.Scheme || back.URL.Host != w.URL.Host ||
					back.URL.Path != w.URL.Path || back.URL.RawQuery != w.URL.RawQuery ||
					!reflect.DeepEqual(back.Header, w.Header) || !bytes.Equal(back.Body, w.Body) {
					t.Fatalf("round trip changed the request:\n%#v %#v\n%#v %#v", w, w.URL, back, back.URL)
				}
				if again, err := back.Marshal(); err != nil || !bytes.Equal(again, out) {
					t.Fatalf("marshalling is not stable: %q, then %q", out, again)
				}
			case *base.InterleavedFrame:
				if len(w.Payload) > 0xffff {
					t.Fatalf("frame of %d bytes", len(w.Payload))
				}
			}
		}
	})
}

// readOnly is the client's side of a connection: what it sends.
type readOnly struct{ *bytes.Reader }

func (readOnly) Write(p []byte) (int, error) { return len(p), nil }
