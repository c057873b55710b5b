package rtmp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	amf0 "github.com/yutopp/go-amf0"
)

// amfNested is an object holding an object holding … depth levels deep.
func amfNested(depth int) []byte {
	var b bytes.Buffer
	for range depth {
		b.Write([]byte{0x03, 0x00, 0x01, 'a'})
	}
	b.WriteByte(0x05) // null
	for range depth {
		b.Write([]byte{0x00, 0x00, 0x09})
	}
	return b.Bytes()
}

func amfSeeds() [][]byte {
	num := make([]byte, 9)
	binary.BigEndian.PutUint64(num[1:], 0x3ff0000000000000) // 1.0
	connect := append([]byte{0x02, 0x00, 0x07}, "connect"...)
	connect = append(connect, num...)
	connect = append(connect, 0x03, 0x00, 0x03, 'a', 'p', 'p', 0x02, 0x00, 0x04, 'l', 'i', 'v', 'e', 0x00, 0x00, 0x09)
	return [][]byte{
		connect,
		{0x01, 0x01},
		{0x05},
		{0x0b, 0x42, 0x77, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, // a date
		{0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 'k', 0x01, 0x00, 0x00, 0x00, 0x09},
		{0x0a, 0x00, 0x00, 0x00, 0x02, 0x05, 0x02, 0x00, 0x00},
		{0x0a, 0x7f, 0xff, 0xff, 0xff}, // announces 2^31-1 elements
		amfNested(amf0.MaxDepth - 1),
		amfNested(amf0.MaxDepth + 1),
	}
}

// decodeAll decodes values until the input ends or one fails, as go-rtmp
// decodes a command's arguments.
func decodeAll(b []byte) ([]any, error) {
	dec := amf0.NewDecoder(bytes.NewReader(b))
	var vs []any
	for range 1 << 16 {
		var v any
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			return vs, nil
		} else if err != nil {
			return vs, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// FuzzAMF0 checks the patched decoder: whatever it decodes encodes and
// decodes to the same value (NaN counting as itself), it allocates in
// proportion to its input, and it never nests deeper than MaxDepth.
func FuzzAMF0(f *testing.F) {
	for _, s := range amfSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		vs, _ := decodeAll(in)
		runtime.ReadMemStats(&after)
		// Every value costs at least a byte of input; a map entry, a
		// boxed value and reflect's temporaries cost a few hundred bytes
		// of garbage. An allocation sized by a count on the wire shows up
		// as a megabyte for a handful of bytes.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<10+1024*uint64(len(in)) {
			t.Fatalf("decoding %d bytes allocated %d", len(in), alloc)
		}
		for i, v := range vs {
			if d := depth(v); d > amf0.MaxDepth {
				t.Fatalf("value %d nests %d deep", i, d)
			}
			var b bytes.Buffer
			if err := amf0.NewEncoder(&b).Encode(v); err != nil {
				t.Fatalf("value %d (%#v) decoded but does not encode: %v", i, v, err)
			}
			var v2 any
			if err := amf0.NewDecoder(bytes.NewReader(b.Bytes())).Decode(&v2); err != nil {
				t.Fatalf("value %d: its encoding % x does not decode: %v", i, b.Bytes(), err)
			}
			if !sameAMF(v, v2) {
				t.Fatalf("value %d changed in a round trip:\n%#v\n%#v", i, v, v2)
			}
		}
	})
}

// sameAMF is reflect.DeepEqual but for NaN, which is itself here: the
// encoder writes its bits back.
func sameAMF(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && math.Float64bits(a) == math.Float64bits(b)
	case map[string]any:
		b, ok := b.(map[string]any)
		return ok && sameMaps(a, b)
	case amf0.ECMAArray:
		b, ok := b.(amf0.ECMAArray)
		return ok && sameMaps(a, b)
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameAMF(a[i], b[i]) {
				return false
			}
		}
		return true
	case time.Time:
		b, ok := b.(time.Time)
		return ok && a.Equal(b)
	}
	return reflect.DeepEqual(a, b)
}

func sameMaps(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !sameAMF(v, w) {
			return false
		}
	}
	return true
}

func depth(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			d = max(d, depth(e))
		}
	case amf0.ECMAArray:
		for _, e := range v {
			d = max(d, depth(e))
		}
	case []any:
		for _, e := range v {
			d = max(d, depth(e))
		}
	default:
		return 1
	}
	return d + 1
}

func TestAMF0Limits(t *testing.T) {
	if _, err := decodeAll(amfNested(amf0.MaxDepth - 1)); err != nil {
		t.Errorf("%d levels refused: %v", amf0.MaxDepth-1, err)
	}
	// Deep enough to overflow the stack before the patch (10 MB).
	if _, err := decodeAll(amfNested(1 << 20)); err == nil || !strings.Contains(err.Error(), "nested deeper than") {
		t.Errorf("a million levels: %v", err)
	}
	var many bytes.Buffer
	many.WriteByte(0x03)
	for i := range amf0.MaxProperties + 1 {
		fmt.Fprintf(&many, "\x00\x04%04x", i)
		many.WriteByte(0x05)
	}
	many.Write([]byte{0x00, 0x00, 0x09})
	if _, err := decodeAll(many.Bytes()); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("%d properties: %v", amf0.MaxProperties+1, err)
	}
}
