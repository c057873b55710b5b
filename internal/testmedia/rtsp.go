package testmedia

import (
	"fmt"
	"sort"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/pion/rtp"
)

// RTSPDescription is the clip's SDP as an RTSP publisher announces it:
// H.264 with its parameter sets, AAC (mpeg4-generic). withAudio false
// leaves the audio out.
func (m *Media) RTSPDescription(withAudio bool) (*description.Session, error) {
	desc := &description.Session{Medias: []*description.Media{{
		Type:    description.MediaTypeVideo,
		Formats: []format.Format{&format.H264{PayloadTyp: 96, PacketizationMode: 1, SPS: m.SPS, PPS: m.PPS}},
	}}}
	if withAudio {
		var asc mpeg4audio.AudioSpecificConfig
		if err := asc.Unmarshal(m.ASC); err != nil {
			return nil, err
		}
		desc.Medias = append(desc.Medias, &description.Media{
			Type:    description.MediaTypeAudio,
			Formats: []format.Format{&format.MPEG4Audio{PayloadTyp: 97, Config: &asc, SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3}},
		})
	}
	return desc, nil
}

// LoopSpan is how long one loop of the media lasts: as long as its
// longer track, so the next loop's timestamps follow both.
func (m *Media) LoopSpan() (time.Duration, error) {
	span := m.Video[len(m.Video)-1].DTS + 34*time.Millisecond
	var asc mpeg4audio.AudioSpecificConfig
	if err := asc.Unmarshal(m.ASC); err != nil {
		return 0, err
	}
	return max(span, time.Duration(len(m.Audio))*1024*time.Second/time.Duration(asc.SampleRate)).Round(time.Millisecond), nil
}

// RTP is the clip as RTP packets for desc's medias, in sending order,
// each with the time it is due relative to the first.
type RTP struct {
	Media    *description.Media
	Pkt      *rtp.Packet
	At       time.Duration
	Keyframe bool // the first packet of an IDR frame
}

// Packetize turns the clip into RTP for desc (from RTSPDescription), the
// clip repeated loops times on one timeline.
func (m *Media) Packetize(desc *description.Session, loops int) ([]RTP, error) {
	var out []RTP
	span, err := m.LoopSpan()
	if err != nil {
		return nil, err
	}
	for _, md := range desc.Medias {
		switch f := md.Formats[0].(type) {
		case *format.H264:
			enc, err := f.CreateEncoder()
			if err != nil {
				return nil, err
			}
			for loop := range loops {
				off := time.Duration(loop) * span
				for _, fr := range m.Video {
					pkts, err := enc.Encode(fr.NALUs)
					if err != nil {
						return nil, err
					}
					for i, p := range pkts {
						p.Timestamp = uint32((off + fr.PTS + time.Second).Milliseconds() * 90)
						out = append(out, RTP{md, p, off + fr.DTS, fr.IDR && i == 0})
					}
				}
			}
		case *format.MPEG4Audio:
			enc, err := f.CreateEncoder()
			if err != nil {
				return nil, err
			}
			rate := int64(f.ClockRate())
			for loop := range loops {
				off := time.Duration(loop) * span
				for i, fr := range m.Audio {
					pkts, err := enc.Encode([][]byte{fr.AAC})
					if err != nil {
						return nil, err
					}
					for _, p := range pkts {
						// exact sample counts, not the FLV's rounded milliseconds
						p.Timestamp = uint32((off+time.Second).Milliseconds()*rate/1000 + int64(i)*1024)
						out = append(out, RTP{md, p, off + fr.PTS, false})
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out, nil
}

// PublishRTSP announces desc at url (rtsp://user:key@host:port/stream)
// over TCP and sends pkts, in real time when paced. It returns the open
// client for the caller to Close.
func PublishRTSP(url string, desc *description.Session, pkts []RTP, paced bool) (*gortsplib.Client, error) {
	tcp := gortsplib.TransportTCP
	c := &gortsplib.Client{Transport: &tcp, WriteQueueSize: 8192} // room for a clip sent at once
	if err := c.StartRecording(url, desc); err != nil {
		return nil, err
	}
	if err := SendRTP(c, pkts, paced); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// SendRTP sends pkts on a recording client and returns once they are
// written out: the client queues packets, and Close drops what is queued.
func SendRTP(c *gortsplib.Client, pkts []RTP, paced bool) error {
	want := c.Stats().Session.RTPPacketsSent + uint64(len(pkts))
	start := time.Now()
	for _, p := range pkts {
		if paced {
			time.Sleep(time.Until(start.Add(p.At - pkts[0].At)))
		}
		if err := c.WritePacketRTP(p.Media, p.Pkt); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for c.Stats().Session.RTPPacketsSent < want {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d RTP packets of %d sent after 10 s", c.Stats().Session.RTPPacketsSent, want)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}
