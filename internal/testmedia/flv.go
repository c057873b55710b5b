// Package testmedia gives tests real media to push and a way to look inside
// what comes out: the testdata clip read tag by tag, an RTMP publisher
// built on go-rtmp's client, and an MPEG-TS inspector built on mediacommon.
package testmedia

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/yutopp/go-flv"
	flvtag "github.com/yutopp/go-flv/tag"
)

// Tag is one FLV tag: its type, timestamp (ms) and body as RTMP carries it.
type Tag struct {
	Type      flvtag.TagType
	Timestamp uint32
	Body      []byte
}

// ClipPath is testdata/clip.flv, found from this source file so tests in
// any package can use it.
func ClipPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "clip.flv")
}

// ReadFLV reads every tag of an FLV file.
func ReadFLV(path string) ([]Tag, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec, err := flv.NewDecoder(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var tags []Tag
	for {
		var ft flvtag.FlvTag
		err := dec.Decode(&ft)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return tags, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var body bytes.Buffer
		switch d := ft.Data.(type) {
		case *flvtag.VideoData:
			err = flvtag.EncodeVideoData(&body, d)
		case *flvtag.AudioData:
			err = flvtag.EncodeAudioData(&body, d)
		case *flvtag.ScriptData:
			err = flvtag.EncodeScriptData(&body, d)
		}
		ft.Close()
		if err != nil {
			return nil, err
		}
		tags = append(tags, Tag{Type: ft.TagType, Timestamp: ft.Timestamp, Body: body.Bytes()})
	}
}

// Clip reads the testdata clip.
func Clip() ([]Tag, error) { return ReadFLV(ClipPath()) }

// IsKeyframe reports whether a video tag is a keyframe of coded video (not
// a sequence header).
func (t Tag) IsKeyframe() bool {
	return t.Type == flvtag.TagTypeVideo && len(t.Body) > 1 && t.Body[0]>>4 == 1 && t.Body[1] == 1
}
