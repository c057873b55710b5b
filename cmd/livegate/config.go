package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"gopkg.in/yaml.v3"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest/rtsp"
	"github.com/livegate/livegate/paywall"
	"github.com/livegate/livegate/transcode"
)

// Config is livegate.yml. Every key has a default, and every key but
// streams can be overridden by an environment variable named after its
// path: LIVEGATE_HTTP, LIVEGATE_SEGMENT, LIVEGATE_METRICS_PUBLIC, lists
// comma-separated (LIVEGATE_TRUSTEDPROXIES=10.0.0.0/8,192.0.2.7).
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
	// TrustedProxies are the reverse proxies (addresses or CIDR
	// prefixes) whose X-Forwarded-For and Forwarded headers are believed;
	// from anyone else they are ignored.
	TrustedProxies Prefixes `yaml:"trustedProxies"`
	// ForwardedHeader is the one header trusted proxies name clients in:
	// x-forwarded-for (the default: nginx, HAProxy, most CDNs) or
	// forwarded (RFC 7239). The other is never read, since a proxy passes
	// it through as the client wrote it.
	ForwardedHeader string        `yaml:"forwardedHeader"`
	Metrics         MetricsConfig `yaml:"metrics"`
	Limits          LimitsConfig  `yaml:"limits"`
	Ledger          LedgerConfig  `yaml:"ledger"`
	Archive         ArchiveConfig `yaml:"archive"`
	Cluster         ClusterConfig `yaml:"cluster"`
	IPFS            IPFSConfig    `yaml:"ipfs"`
}

// ClusterConfig is cluster: in livegate.yml: this node's place among
// several that serve one audience through one PostgreSQL ledger (see the
// cluster package). Empty URL: a node on its own.
type ClusterConfig struct {
	// URL is where the other nodes reach this node's HTTP listener
	// (http://10.0.0.2:8080): they send it the live requests of the
	// streams published here.
	URL string `yaml:"url"`
	// Node names this node, unique in the cluster (default: URL's host
	// and port).
	Node string `yaml:"node"`
}

// validate checks the cluster's settings: a URL other nodes can reach,
// and the shared ledger the nodes agree through.
func (c ClusterConfig) validate(ledger LedgerConfig) error {
	if c.URL == "" {
		if c.Node != "" {
			return errors.New("cluster.node: set cluster.url too, where the other nodes reach this one")
		}
		return nil
	}
	u, err := url.Parse(c.URL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/"):
		return errors.New("cluster.url: want this node's URL as the other nodes reach it, like http://10.0.0.2:8080")
	case ledger.Postgres == "":
		return errors.New("cluster: nodes agree through a shared ledger: set ledger.postgres too")
	case len(c.Node) > 200:
		return errors.New("cluster.node: at most 200 characters")
	}
	return nil
}

// node is this node's name in the cluster.
func (c ClusterConfig) node() string {
	if c.Node != "" {
		return c.Node
	}
	u, _ := url.Parse(c.URL)
	return u.Host
}

// LedgerConfig is ledger: in livegate.yml: where accounts, charges and
// recording secrets are kept. Empty: the embedded ledger in the data
// directory (one node). Postgres: a PostgreSQL database that several
// nodes share.
type LedgerConfig struct {
	// Postgres is a connection URL, postgres://user:pass@host:port/db.
	Postgres string `yaml:"postgres"`
}

// ArchiveConfig is archive: in livegate.yml: where finished recordings
// are kept besides the data directory.
type ArchiveConfig struct {
	S3 S3Config `yaml:"s3"`
}

// S3Config names an S3-compatible bucket; an empty endpoint: none.
type S3Config struct {
	// Endpoint is the server's URL: http://host:port or https://host.
	Endpoint  string `yaml:"endpoint"`
	Bucket    string `yaml:"bucket"`
	AccessKey string `yaml:"accessKey"`
	SecretKey string `yaml:"secretKey"`
	Region    string `yaml:"region"`
}

// validate checks the ledger's settings: a PostgreSQL URL.
func (l LedgerConfig) validate() error {
	if l.Postgres == "" {
		return nil
	}
	u, err := url.Parse(l.Postgres)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return errors.New("ledger.postgres: want a URL like postgres://user:password@127.0.0.1:5432/livegate")
	}
	return nil
}

// validate checks the archive's settings: an http(s) endpoint, a bucket
// name as S3 allows it, and both keys or neither (anonymous).
func (a ArchiveConfig) validate() error {
	s := a.S3
	if s == (S3Config{}) {
		return nil
	}
	u, err := url.Parse(s.Endpoint)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/"):
		return errors.New("archive.s3.endpoint: want the server's URL, like http://127.0.0.1:8333 or https://s3.example.com")
	case !validBucket(s.Bucket):
		return fmt.Errorf("archive.s3.bucket: %q; want 3 to 63 lowercase letters, digits, '-' or '.'", s.Bucket)
	case (s.AccessKey == "") != (s.SecretKey == ""):
		return errors.New("archive.s3: set both accessKey and secretKey, or neither for anonymous access")
	}
	return nil
}

// validBucket is S3's bucket naming rule, short of its IP-address and
// prefix exceptions.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 || strings.Contains(b, "..") {
		return false
	}
	for i, c := range b {
		edge := i == 0 || i == len(b)-1
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '-' || c == '.') && !edge:
		default:
			return false
		}
	}
	return true
}

// MetricsConfig is metrics: in livegate.yml.
type MetricsConfig struct {
	// Public serves revenue and per-channel figures on /metrics to anyone;
	// by default they need the admin token, and the rest is public.
	Public bool `yaml:"public"`
}

// LimitsConfig is limits: in livegate.yml: connections the HTTP listener
// holds open, per client host and in all. The ingest listeners have caps
// of their own, made for publishers: RTMP 16 a client and 256 in all,
// RTSP 8 and 256, WHIP 4 sessions and 64.
type LimitsConfig struct {
	// ConnsPerClient: from one client host (default 512: browsers open
	// six a page over HTTP/1.1, and a venue's viewers share one NAT).
	ConnsPerClient int `yaml:"connsPerClient"`
	// Conns: from everyone; 0 (the default) is half the file descriptors
	// the process may open.
	Conns int `yaml:"conns"`
}

// Prefixes reads a list of addresses and CIDR prefixes ("10.0.0.0/8",
// "192.0.2.7", "2001:db8::/32"), an address standing for itself alone.
type Prefixes []netip.Prefix

// UnmarshalYAML reads a sequence of addresses and prefixes.
func (p *Prefixes) UnmarshalYAML(n *yaml.Node) error {
	var list []string
	if err := n.Decode(&list); err != nil {
		return fmt.Errorf("line %d: want a list of addresses or CIDR prefixes", n.Line)
	}
	out, err := parsePrefixes(list)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*p = out
	return nil
}

// MarshalYAML writes the list back as text.
func (p Prefixes) MarshalYAML() (any, error) {
	out := make([]string, len(p))
	for i, pr := range p {
		out[i] = pr.String()
	}
	return out, nil
}

// Contains reports whether addr is in one of the prefixes.
func (p Prefixes) Contains(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, pr := range p {
		if pr.Contains(addr) {
			return true
		}
	}
	return false
}

func parsePrefixes(list []string) (Prefixes, error) {
	out := Prefixes{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if pr, err := netip.ParsePrefix(s); err == nil {
			if pr != pr.Masked() {
				return nil, fmt.Errorf("%q has bits set past its prefix length (did you mean %s?)", s, pr.Masked())
			}
			if pr.Addr().Is4In6() && pr.Bits() >= 96 {
				pr = netip.PrefixFrom(pr.Addr().Unmap(), pr.Bits()-96) // as IPv4 clients are seen
			}
			out = append(out, pr)
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is not an address or a CIDR prefix like 10.0.0.0/8", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// AdminConfig guards the admin API (POST /admin/settle; the dashboard
// later). Without a token it is off.
type AdminConfig struct {
	Token string `yaml:"token"`
}

// StreamConfig is one entry of streams:.
type StreamConfig struct {
	Name           string `yaml:"name"`
	Key            string `yaml:"key"`
	PricePerSecond string `yaml:"pricePerSecond"` // wei (or the token's smallest unit) per second of media, decimal
	PreviewSeconds int    `yaml:"previewSeconds"`
	// Token is the ERC-20 the stream is priced in (a stablecoin's
	// address); empty: ETH. Its channels must pay in it.
	Token  string   `yaml:"token"`
	Ladder []string `yaml:"ladder"` // renditions for this stream (default: transcoder.ladder)
	Camera string   `yaml:"camera"` // rtsp://… to pull from, instead of waiting for a push
	// Segments: "public" (the default: a priced stream's segments are
	// encrypted and any cache may carry them; the keys are sold) or
	// "token" (the origin also wants a valid session for each segment,
	// which no shared cache may then keep).
	Segments string `yaml:"segments"`
	// LowLatency adds low-latency HLS (fMP4 parts of Part, 200 ms by
	// default): the stream's index.m3u8 is then the low-latency master,
	// and ts.m3u8 the MPEG-TS one.
	LowLatency bool     `yaml:"lowLatency"`
	Part       Duration `yaml:"part"`
}

// priced says whether the stream sells its keys.
func (s StreamConfig) priced() bool {
	p, ok := new(big.Int).SetString(s.PricePerSecond, 10)
	return ok && p.Sign() > 0
}

// terms is what the stream charges.
func (s StreamConfig) terms() paywall.Terms {
	p, ok := new(big.Int).SetString(s.PricePerSecond, 10)
	if !ok {
		p = new(big.Int)
	}
	t := paywall.Terms{PricePerSecond: p, Preview: time.Duration(s.PreviewSeconds) * time.Second}
	if s.Token != "" {
		t.Token.Address = common.HexToAddress(s.Token) // its symbol and decimals are read from the chain
	}
	return t
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
		Limits:     LimitsConfig{ConnsPerClient: 512},
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

// envNotConfig are LIVEGATE_* variables that are not settings: read
// elsewhere (LIVEGATE_PPROF by main) or by the tests.
var envNotConfig = map[string]bool{
	"LIVEGATE_PPROF":       true,
	"LIVEGATE_TEST_MAIN":   true,
	"LIVEGATE_SCREENSHOTS": true,
}

// applyEnv sets fields from LIVEGATE_{PATH} variables: scalars, lists of
// words (comma-separated) and trustedProxies. A LIVEGATE_* variable that
// names no setting (a misspelling, a setting the environment cannot set)
// is an error naming it, so it is not silently ignored.
func applyEnv(cfg *Config, environ []string) error {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "LIVEGATE_") && !envNotConfig[k] {
			env[k] = v
		}
	}
	used := map[string]bool{}
	if err := setFromEnv(reflect.ValueOf(cfg).Elem(), "LIVEGATE", env, used); err != nil {
		return err
	}
	var unknown []string
	for k := range env {
		if !used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%s: no such setting; environment overrides are named after the config's keys (LIVEGATE_HTTP, LIVEGATE_CHAIN_RPC, LIVEGATE_METRICS_PUBLIC, …)", strings.Join(unknown, ", "))
	}
	return nil
}

var (
	durationType = reflect.TypeFor[Duration]()
	prefixesType = reflect.TypeFor[Prefixes]()
)

func setFromEnv(v reflect.Value, prefix string, env map[string]string, used map[string]bool) error {
	t := v.Type()
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(tag)
		f := v.Field(i)
		if f.Kind() == reflect.Struct && f.Type() != durationType {
			if err := setFromEnv(f, name, env, used); err != nil {
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
		case f.Type() == prefixesType:
			p, err := parsePrefixes(words(val))
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			f.Set(reflect.ValueOf(p))
		case f.Kind() == reflect.String:
			f.SetString(val)
		case f.Kind() == reflect.Bool:
			b, err := strconv.ParseBool(val)
			if err != nil {
				return fmt.Errorf("%s: %q is not true or false", name, val)
			}
			f.SetBool(b)
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
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.ValueOf(words(val)))
		default:
			return fmt.Errorf("%s: %s cannot be set from the environment; set it in the config file", name, tag)
		}
		used[name] = true
	}
	return nil
}

// words splits a comma-separated list, dropping empty items.
func words(s string) []string {
	out := []string{}
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
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
	if err := c.Ledger.validate(); err != nil {
		return err
	}
	if err := c.Archive.validate(); err != nil {
		return err
	}
	if err := c.Cluster.validate(c.Ledger); err != nil {
		return err
	}
	if err := c.IPFS.validate(); err != nil {
		return err
	}
	if t := c.Admin.Token; t != "" && len(t) < 16 {
		return errors.New("admin.token: use at least 16 characters")
	}
	switch {
	case c.ForwardedHeader != "" && !strings.EqualFold(c.ForwardedHeader, "x-forwarded-for") && !strings.EqualFold(c.ForwardedHeader, "forwarded"):
		return fmt.Errorf("forwardedHeader: %q; want x-forwarded-for or forwarded", c.ForwardedHeader)
	case c.Limits.Conns < 0:
		return fmt.Errorf("limits.conns: %d; allow at least 1 connection, or 0 for half the open-file limit", c.Limits.Conns)
	case c.Limits.ConnsPerClient < 1:
		return fmt.Errorf("limits.connsPerClient: %d; allow at least 1 connection", c.Limits.ConnsPerClient)
	case c.Limits.Conns > 0 && c.Limits.ConnsPerClient > c.Limits.Conns:
		return fmt.Errorf("limits.connsPerClient: %d is more than limits.conns (%d)", c.Limits.ConnsPerClient, c.Limits.Conns)
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
		if s.Token != "" && (!common.IsHexAddress(s.Token) || common.HexToAddress(s.Token) == (common.Address{})) {
			return fmt.Errorf("%s.token: %q; want the ERC-20's address, 0x and 40 hex digits (leave it out for ETH)", at, s.Token)
		}
		switch s.Segments {
		case "", "public":
		case "token":
			if !s.priced() {
				return fmt.Errorf("%s.segments: token needs a priced stream (pricePerSecond): a free stream has no sessions", at)
			}
		default:
			return fmt.Errorf("%s.segments: %q is neither public nor token", at, s.Segments)
		}
		if s.Part != 0 {
			if !s.LowLatency {
				return fmt.Errorf("%s.part: parts are for a low-latency stream: set lowLatency: true too", at)
			}
			if err := hls.CheckPart(time.Duration(s.Part), time.Duration(c.Segment)); err != nil {
				return fmt.Errorf("%s.part: %w", at, err)
			}
		} else if s.LowLatency {
			if err := hls.CheckPart(200*time.Millisecond, time.Duration(c.Segment)); err != nil {
				return fmt.Errorf("%s.lowLatency: the default part of 200ms: %w", at, err)
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
