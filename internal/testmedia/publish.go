package testmedia

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	flvtag "github.com/yutopp/go-flv/tag"
	gortmp "github.com/yutopp/go-rtmp"
	rtmpmsg "github.com/yutopp/go-rtmp/message"
	"golang.org/x/sys/unix"
)

// Publisher pushes FLV tags to an RTMP server with go-rtmp's client, as an
// encoder would, as fast as the server takes them.
//
// go-rtmp's client writes from its own goroutine and closes its socket
// without waiting for the peer; a reset then makes the server's kernel drop
// what the server has not read yet: the end of the stream. Publisher waits
// until the server's kernel has acknowledged everything, watching the
// socket's queues through its descriptor, captured while dialing because
// go-rtmp does not expose the connection.
type Publisher struct {
	conn   *gortmp.ClientConn
	stream *gortmp.Stream
	fd     int
}

// go-rtmp's client logs a chunk-size change through logrus's global
// logger, whatever logger it is given; tests have no use for it.
func init() { logrus.SetOutput(io.Discard) }

// Dial connects to rtmp://addr/app and publishes under key.
func Dial(addr, app, key string) (*Publisher, error) {
	fd := -1
	d := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(s uintptr) { fd = int(s) })
	}}
	lr := logrus.New()
	lr.Out = io.Discard
	conn, err := gortmp.DialWithDialer(d, "rtmp", addr, &gortmp.ConnConfig{Logger: lr})
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	p := &Publisher{conn: conn, fd: fd}
	if err := conn.Connect(&rtmpmsg.NetConnectionConnect{
		Command: rtmpmsg.NetConnectionConnectCommand{App: app, Type: "nonprivate", FlashVer: "FMLE/3.0", TCURL: "rtmp://" + addr + "/" + app},
	}); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	s, err := conn.CreateStream(nil, 4096)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("createStream: %w", err)
	}
	p.stream = s
	if err := s.Publish(&rtmpmsg.NetStreamPublish{PublishingName: key, PublishingType: "live"}); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("publish: %w", err)
	}
	return p, nil
}

// Send writes one tag.
func (p *Publisher) Send(t Tag) error {
	var msg rtmpmsg.Message
	switch t.Type {
	case flvtag.TagTypeVideo:
		msg = &rtmpmsg.VideoMessage{Payload: bytes.NewReader(t.Body)}
	case flvtag.TagTypeAudio:
		msg = &rtmpmsg.AudioMessage{Payload: bytes.NewReader(t.Body)}
	case flvtag.TagTypeScriptData:
		msg = &rtmpmsg.DataMessage{Name: "@setDataFrame", Encoding: rtmpmsg.EncodingTypeAMF0, Body: bytes.NewReader(t.Body)}
	default:
		return nil
	}
	csid := 4
	if t.Type == flvtag.TagTypeVideo {
		csid = 6
	}
	if err := p.stream.Write(csid, t.Timestamp, msg); err != nil {
		return err
	}
	return p.conn.LastError()
}

// PublishAll publishes tags under key at rtmp://addr/live and unpublishes.
func PublishAll(addr, key string, tags []Tag) error {
	p, err := Dial(addr, "live", key)
	if err != nil {
		return err
	}
	if err := p.SendAll(tags); err != nil {
		_ = p.Drop()
		return err
	}
	return p.Close()
}

// SendAll writes tags in order.
func (p *Publisher) SendAll(tags []Tag) error {
	for i, t := range tags {
		if err := p.Send(t); err != nil {
			return fmt.Errorf("tag %d: %w", i, err)
		}
	}
	return nil
}

// Close ends the publication as an encoder does: deleteStream, then a
// graceful close of the connection.
func (p *Publisher) Close() error {
	// On the publishing stream: go-rtmp's ClientConn.DeleteStream races
	// with its own reader.
	err := p.stream.DeleteStream(&rtmpmsg.NetStreamDeleteStream{StreamID: p.stream.StreamID()})
	return errors.Join(err, p.Drop())
}

// Drop leaves without unpublishing, as a publisher that is killed: the
// connection closes after everything sent so far has reached the server.
func (p *Publisher) Drop() error {
	if p.fd >= 0 {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			out, err := unix.IoctlGetInt(p.fd, unix.SIOCOUTQ)
			in, _ := unix.IoctlGetInt(p.fd, unix.SIOCINQ)
			if err != nil || out == 0 && in == 0 || p.conn.LastError() != nil {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		p.fd = -1
	}
	return p.conn.Close()
}

// Refused reports whether the server has closed the connection, writing
// until a write fails or the deadline passes.
func (p *Publisher) Refused(within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if err := p.Send(Tag{Type: flvtag.TagTypeScriptData, Body: []byte{2, 0, 1, 'x'}}); err != nil {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}
