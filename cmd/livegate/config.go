package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest/rtsp"
	"github.com/livegate/livegate/paywall"
	"github.com/livegate/livegate/transcode"
)

// Config is livegate.yml. Every key has a default, and every scalar key
// can be overridden by an environment variable named after its path:
// LIVEGATE_HTTP, LIVEGATE_SEGMENT, LIVEGATE_RECONNECTGRACE, …
type Config struct {
	HTTP           string           `yaml:"http"`
	RTMP           string           `yaml:"rtmp"`
	RTSP           string           `yaml:"rtsp"`
	Data           string           `yaml:"data"`
	Segment        Duration         `yaml:"segment"`
	Window         int              `yaml:"window"`
	ReconnectGrace Duration         `yaml:"reconnectGrace"`
	Chain          ChainConfig      `yaml:"chain"`
	Transcoder     TranscoderConfig `yaml:"transcoder"`
	Admin          AdminConfig      `yaml:"admin"`
	Streams        []StreamConfig   `yaml:"streams"`
}

// AdminConfig guards the admin API (POST /admin/settle; the dashboard
// later). Without a token it is off.
type AdminConfig struct {
	Token string `yaml:"token"`
}

// StreamConfig is one entry of streams:.
type StreamConfig struct {
	Name           string   `yaml:"name"`
	Key            string   `yaml:"key"`
	PricePerSecond string   `yaml:"pricePerSecond"` // wei per second of media, decimal
	PreviewSeconds int      `yaml:"previewSeconds"`
	Ladder         []string `yaml:"ladder"` // renditions for this stream (default: transcoder.ladder)
	Camera         string   `yaml:"camera"` // rtsp://… to pull from, instead of waiting for a push
}

// terms is what the stream charges.
func (s StreamConfig) terms() paywall.Terms {
	p, ok := new(big.Int).SetString(s.PricePerSecond, 10)
	if !ok {
		p = new(big.Int)
	}
	return paywall.Terms{PricePerSecond: p, Preview: time.Duration(s.PreviewSeconds) * time.Second}
}

// Duration reads "2s", "1m30s" in YAML and environment variables.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 2s or 1m30s", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back as text.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

func defaultConfig() Config {
	return Config{
		HTTP: ":8080", RTMP: ":1935", RTSP: ":8554", Data: "./data",
		Segment: Duration(2 * time.Second), Window: 6, ReconnectGrace: Duration(10 * time.Second),
		Chain:      ChainConfig{Confirmations: 3, SettleMargin: Duration(time.Hour)},
		Transcoder: TranscoderConfig{Mode: "local", Ladder: append([]string(nil), transcode.DefaultLadder...)},
	}
}

// loadConfig reads a YAML file over the defaults, applies LIVEGATE_*
// environment overrides and validates the result.
func loadConfig(path string) (Config, error) {
	cfg := defaultConfig()
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	if err := applyEnv(&cfg, os.Environ()); err != nil {
		return cfg, err
	}
	if err := cfg.validate(); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// applyEnv sets scalar fields from LIVEGATE_{PATH} variables.
func applyEnv(cfg *Config, environ []string) error {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "LIVEGATE_") {
			env[k] = v
		}
	}
	return setFromEnv(reflect.ValueOf(cfg).Elem(), "LIVEGATE", env)
}

var durationType = reflect.TypeFor[Duration]()

func setFromEnv(v reflect.Value, prefix string, env map[string]string) error {
	t := v.Type()
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(tag)
		f := v.Field(i)
		if f.Kind() == reflect.Struct && f.Type() != durationType {
			if err := setFromEnv(f, name, env); err != nil {
				return err
			}
			continue
		}
		val, ok := env[name]
		if !ok {
			continue
		}
		switch {
		case f.Type() == durationType:
			d, err := time.ParseDuration(val)
			if err != nil {
				return fmt.Errorf("%s: %q is not a duration like 2s", name, val)
			}
			f.SetInt(int64(d))
		case f.Kind() == reflect.String:
			f.SetString(val)
		case f.Kind() == reflect.Int:
			n, err := strconv.Atoi(val)
			if err != nil {
				return fmt.Errorf("%s: %q is not a whole number", name, val)
			}
			f.SetInt(int64(n))
		case f.Kind() == reflect.Uint64:
			n, err := strconv.ParseUint(val, 10, 64)
			if err != nil {
				return fmt.Errorf("%s: %q is not a whole number", name, val)
			}
			f.SetUint(n)
		}
	}
	return nil
}

func (c *Config) validate() error {
	for key, addr := range map[string]string{"http": c.HTTP, "rtmp": c.RTMP, "rtsp": c.RTSP} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("%s: %q is not a listen address like :8080 or 127.0.0.1:8080", key, addr)
		}
	}
	switch {
	case c.Data == "":
		return errors.New("data: must name a directory")
	case c.Segment < Duration(500*time.Millisecond) || c.Segment > Duration(30*time.Second):
		return fmt.Errorf("segment: %v is outside 0.5s to 30s", time.Duration(c.Segment))
	case c.Window < 2 || c.Window > 100:
		return fmt.Errorf("window: %d is outside 2 to 100 segments", c.Window)
	case c.ReconnectGrace < 0:
		return errors.New("reconnectGrace: must not be negative")
	case len(c.Streams) == 0:
		return errors.New("streams: list at least one stream")
	}
	if err := c.Chain.validate(); err != nil {
		return err
	}
	if err := c.Transcoder.validate(); err != nil {
		return err
	}
	if t := c.Admin.Token; t != "" && len(t) < 16 {
		return errors.New("admin.token: use at least 16 characters")
	}
	names, keys := map[string]bool{}, map[string]bool{}
	for i, s := range c.Streams {
		at := fmt.Sprintf("streams[%d]", i)
		switch {
		case !hls.ValidName(s.Name):
			return fmt.Errorf("%s.name: %q must be 1 to 64 letters, digits, '-' or '_'", at, s.Name)
		case names[s.Name]:
			return fmt.Errorf("%s.name: %q is listed twice", at, s.Name)
		case len(s.Key) < 8:
			return fmt.Errorf("%s.key: a stream key needs at least 8 characters", at)
		case strings.ContainsAny(s.Key, "/?# "):
			return fmt.Errorf("%s.key: must not contain '/', '?', '#' or spaces (it goes into an RTMP URL)", at)
		case keys[s.Key]:
			return fmt.Errorf("%s.key: the same key is used by another stream", at)
		case s.PreviewSeconds < 0:
			return fmt.Errorf("%s.previewSeconds: must not be negative", at)
		case s.PreviewSeconds > 0 && c.Chain.RPC == "":
			return fmt.Errorf("%s.previewSeconds: a preview is counted per payment channel and needs chain: to be set", at)
		}
		if s.PricePerSecond != "" {
			p, ok := new(big.Int).SetString(s.PricePerSecond, 10)
			if !ok || p.Sign() < 0 {
				return fmt.Errorf("%s.pricePerSecond: %q is not a whole number of wei", at, s.PricePerSecond)
			}
			if p.Sign() > 0 && c.Chain.RPC == "" {
				return fmt.Errorf("%s.pricePerSecond: a priced stream needs chain: (rpc, contract, key) to be paid through", at)
			}
		}
		if s.Ladder != nil {
			if _, err := transcode.Ladder(s.Ladder); err != nil {
				return fmt.Errorf("%s.ladder: %w", at, err)
			}
		}
		if s.Camera != "" {
			if u, err := url.Parse(s.Camera); err != nil || (u.Scheme != "rtsp" && u.Scheme != "rtsps") || u.Host == "" {
				return fmt.Errorf("%s.camera: %s is not an rtsp:// URL", at, rtsp.Redacted(s.Camera))
			}
		}
		names[s.Name], keys[s.Key] = true, true
	}
	return nil
}
