package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/chain/devchain"
)

// devState is what livegate dev keeps between runs in DIR/dev-state.json:
// the stream key pasted into OBS, and the throwaway keys, contract and
// channels of the dev chain (which lives in DIR/devchain).
type devState struct {
	StreamKey    string           `json:"streamKey"`
	AdminToken   string           `json:"adminToken"`
	OrganizerKey string           `json:"organizerKey"` // deploys the contract
	PayeeKey     string           `json:"payeeKey"`     // the server's
	Contract     string           `json:"contract,omitempty"`
	Stablecoin   string           `json:"stablecoin,omitempty"`   // the test stablecoin (USDL) beside it
	USDStreamKey string           `json:"usdStreamKey,omitempty"` // the stablecoin-priced demo stream's
	Viewers      []devViewerState `json:"viewers"`
}

type devViewerState struct {
	Key        string `json:"key"`
	Channel    string `json:"channel,omitempty"`
	USDChannel string `json:"usdChannel,omitempty"` // in the stablecoin, for the demo-usd stream
}

// devInfo is DIR/dev.json: what a person, a test or a script needs to use
// the dev server.
type devInfo struct {
	HTTP     string `json:"http"`
	RTMP     string `json:"rtmp"`
	RTSP     string `json:"rtsp"` // publish to RTSP + "/{stream}", the key as password
	RPC      string `json:"rpc"`
	ChainID  uint64 `json:"chainId"`
	Contract string `json:"contract"`
	// Stablecoin is the test stablecoin's address (USDL, 6 decimals,
	// EIP-2612 permit) the demo-usd stream is priced in.
	Stablecoin string `json:"stablecoin"`
	Payee      string `json:"payee"`
	// AdminToken opens the admin API (livegate settle, the dashboard).
	AdminToken string          `json:"adminToken"`
	Streams    []devStreamInfo `json:"streams"`
	Viewers    []devViewerInfo `json:"viewers"`
}

type devStreamInfo struct {
	Name           string `json:"name"`
	Key            string `json:"key"`
	PricePerSecond string `json:"pricePerSecond"`  // in Token's smallest unit
	Token          string `json:"token,omitempty"` // empty: ETH
}

type devViewerInfo struct {
	Address    string `json:"address"`
	PrivateKey string `json:"privateKey"`
	Channel    string `json:"channel"`
	Deposit    string `json:"deposit"`
	// WatchURL opens the watch page paying with this viewer's key, which
	// stays in the fragment: browsers never send it.
	WatchURL string `json:"watchURL"`
	// The same for the stablecoin-priced stream, on a channel in USDL.
	USDChannel  string `json:"usdChannel"`
	USDDeposit  string `json:"usdDeposit"`
	USDWatchURL string `json:"usdWatchURL"`
}

const (
	devStream     = "demo"
	devPrice      = "1000000000000" // wei per second: 0.0036 ETH an hour
	devUSDStream  = "demo-usd"
	devUSDPrice   = "500" // USDL's smallest units (6 decimals) per second: 0.03 USDL a minute
	devViewers    = 3
	devChannelTTL = 30 * 24 * time.Hour
)

// devDeposit is what each demo viewer's channel holds: 0.1 ETH, about 28
// hours of the demo stream.
var devDeposit = big.NewInt(100_000_000_000_000_000)

// devUSDDeposit is each demo viewer's stablecoin channel: 10 USDL, about
// 5.5 hours of demo-usd; devUSDFunds what each viewer holds to open it.
var devUSDDeposit, devUSDFunds = big.NewInt(10_000_000), big.NewInt(100_000_000)

func runDev(args []string, stdout io.Writer, log *slog.Logger) error {
	cfg := defaultConfig()
	cfg.HTTP, cfg.RTMP, cfg.RTSP = "127.0.0.1:8080", "127.0.0.1:1935", "127.0.0.1:8554"
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.StringVar(&cfg.Data, "data", cfg.Data, "data directory (archive, keys, dev.json)")
	fs.StringVar(&cfg.HTTP, "http", cfg.HTTP, "HTTP listen address (HLS, API)")
	fs.StringVar(&cfg.RTMP, "rtmp", cfg.RTMP, "RTMP listen address")
	fs.StringVar(&cfg.RTSP, "rtsp", cfg.RTSP, "RTSP listen address (publishers push rtsp://user:KEY@ADDR/{stream})")
	rpcAddr := fs.String("rpc", "127.0.0.1:8545", "the dev chain's JSON-RPC listen address (loopback only)")
	fs.StringVar(&cfg.Transcoder.Mode, "transcoder", cfg.Transcoder.Mode, "local (ffmpeg, when found), livepeer or none")
	fs.StringVar(&cfg.Transcoder.Livepeer, "livepeer-url", "", "a go-livepeer broadcaster, for --transcoder livepeer")
	ladder := fs.String("ladder", strings.Join(cfg.Transcoder.Ladder, ","), "renditions, Livepeer profile names, comma-separated (empty: none)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if err := applyEnv(&cfg, os.Environ()); err != nil {
		return err
	}
	cfg.Transcoder.Ladder = nil
	for _, n := range strings.Split(*ladder, ",") {
		if n = strings.TrimSpace(n); n != "" {
			cfg.Transcoder.Ladder = append(cfg.Transcoder.Ladder, n)
		}
	}
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	start := time.Now()
	state, err := loadDevState(cfg.Data)
	if err != nil {
		return err
	}
	dev, err := devchain.Start(devchain.Config{Addr: *rpcAddr, DataDir: filepath.Join(cfg.Data, "devchain"), Alloc: state.alloc()})
	if err != nil {
		return err
	}
	defer func() { _ = dev.Close() }()
	info, err := bootstrapDevChain(dev, &state)
	if err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(cfg.Data, "dev-state.json"), state); err != nil {
		return err
	}
	payeeKey := filepath.Join(cfg.Data, "payee.key")
	if err := os.WriteFile(payeeKey, []byte(strings.TrimPrefix(state.PayeeKey, "0x")), 0o600); err != nil {
		return err
	}
	// FromBlock 1: a dev chain is short, and reading it all shows every
	// demo channel from the start.
	cfg.Chain = ChainConfig{RPC: dev.URL, Contract: info.Contract, Key: payeeKey, Confirmations: 1, SettleMargin: Duration(time.Hour), FromBlock: 1}
	cfg.Admin.Token = state.AdminToken
	info.AdminToken = state.AdminToken
	cfg.Streams = []StreamConfig{
		{Name: devStream, Key: state.StreamKey, PricePerSecond: devPrice, LowLatency: true},
		{Name: devUSDStream, Key: state.USDStreamKey, PricePerSecond: devUSDPrice, Token: info.Stablecoin},
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	srv, err := startServer(cfg, log)
	if err != nil {
		return err
	}
	info.HTTP = "http://" + advertised(srv.httpAddr())
	info.RTMP = "rtmp://" + advertised(srv.rtmpAddr()) + "/live"
	info.RTSP = "rtsp://" + advertised(srv.rtspAddr())
	for i := range info.Viewers {
		v := &info.Viewers[i]
		v.WatchURL = info.HTTP + "/watch/" + devStream + "#k=" + v.PrivateKey + "&c=" + v.Channel
		v.USDWatchURL = info.HTTP + "/watch/" + devUSDStream + "#k=" + v.PrivateKey + "&c=" + v.USDChannel
	}
	for _, s := range cfg.Streams {
		info.Streams = append(info.Streams, devStreamInfo{Name: s.Name, Key: s.Key, PricePerSecond: s.PricePerSecond, Token: s.Token})
	}
	path := filepath.Join(cfg.Data, "dev.json")
	if err := writeJSON(path, info); err != nil {
		_ = srv.Close()
		return err
	}
	watch, err := devWatchURL(srv, info, state)
	if err != nil {
		log.Warn("dev: could not open a demo session", "err", err)
	}
	log.Info("dev: ready", "in", time.Since(start).Round(time.Millisecond))
	printDevBanner(stdout, info, path, watch)
	return srv.runUntilSignal()
}

// bootstrapDevChain makes sure the dev chain has the contract, the test
// stablecoin, and for each demo viewer a live, funded channel in ETH and
// one in the stablecoin (opened with an EIP-2612 permit: one signature,
// one transaction), deploying and opening what is missing. It records
// what it made in state.
func bootstrapDevChain(dev *devchain.Chain, state *devState) (*devInfo, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	organizer, payee := mustKey(state.OrganizerKey), mustKey(state.PayeeKey)
	ct, err := dev.Deploy(ctx, organizer, addressOrZero(state.Contract), addressOrZero(state.Stablecoin))
	if err != nil {
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	client := ct.Channels
	state.Contract, state.Stablecoin = client.Address.Hex(), ct.Stablecoin.Hex()
	for i := range state.Viewers {
		if ct.FreshChannels { // channels of a contract that is gone
			state.Viewers[i].Channel, state.Viewers[i].USDChannel = "", ""
		}
		if ct.FreshStablecoin {
			state.Viewers[i].USDChannel = ""
		}
	}
	payeeAddr := crypto.PubkeyToAddress(payee.PublicKey)
	info := &devInfo{RPC: dev.URL, ChainID: dev.ChainID.Uint64(), Contract: client.Address.Hex(),
		Stablecoin: ct.Stablecoin.Hex(), Payee: payeeAddr.Hex()}
	var viewers []common.Address
	for _, v := range state.Viewers {
		viewers = append(viewers, crypto.PubkeyToAddress(mustKey(v.Key).PublicKey))
	}
	if err := ct.Fund(ctx, organizer, devUSDFunds, viewers...); err != nil {
		return nil, fmt.Errorf("dev chain: %w", err)
	}
	for i, v := range state.Viewers {
		key := mustKey(v.Key)
		me := viewers[i]
		// The viewer funds its own channels and signs with the same key,
		// the burner key a watch link carries.
		eth, err := devChannel(ctx, client, v.Channel, func() (common.Hash, error) {
			id, _, err := client.Open(ctx, key, me, payeeAddr, time.Now().Add(devChannelTTL), devDeposit)
			return id, err
		})
		if err != nil {
			return nil, fmt.Errorf("dev chain: a demo viewer's channel: %w", err)
		}
		usd, err := devChannel(ctx, client, v.USDChannel, func() (common.Hash, error) {
			id, _, err := client.OpenWithPermit(ctx, key, ct.Stablecoin, me, payeeAddr, time.Now().Add(devChannelTTL), devUSDDeposit)
			return id, err
		})
		if err != nil {
			return nil, fmt.Errorf("dev chain: a demo viewer's stablecoin channel: %w", err)
		}
		state.Viewers[i].Channel, state.Viewers[i].USDChannel = eth.ID.Hex(), usd.ID.Hex()
		info.Viewers = append(info.Viewers, devViewerInfo{
			Address: me.Hex(), PrivateKey: v.Key, Channel: eth.ID.Hex(), Deposit: eth.Deposit.String(),
			USDChannel: usd.ID.Hex(), USDDeposit: usd.Deposit.String(),
		})
	}
	return info, nil
}

// devChannel is the channel id names when it is live, funded and far from
// expiry; otherwise a fresh one from open.
func devChannel(ctx context.Context, client *chain.Client, id string, open func() (common.Hash, error)) (*chain.Channel, error) {
	if id != "" {
		ch, err := client.Channel(ctx, common.HexToHash(id), nil)
		if err != nil {
			return nil, err
		}
		if ch.Payee != (common.Address{}) && time.Until(ch.Expiry) >= 24*time.Hour && ch.Remaining().Sign() > 0 {
			return ch, nil
		}
	}
	fresh, err := open()
	if err != nil {
		return nil, err
	}
	ch, err := client.Channel(ctx, fresh, nil)
	if err != nil {
		return nil, err
	}
	ch.ID = fresh
	return ch, nil
}

// addressOrZero reads a remembered address ("" when none).
func addressOrZero(s string) common.Address {
	if s == "" {
		return common.Address{}
	}
	return common.HexToAddress(s)
}

// alloc funds the dev accounts in the genesis block. It depends only on the
// keys, so it is the same on every start, as a stored genesis requires.
func (st *devState) alloc() types.GenesisAlloc {
	rich := new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1_000_000_000_000_000_000))
	some := new(big.Int).Mul(big.NewInt(100), big.NewInt(1_000_000_000_000_000_000))
	a := types.GenesisAlloc{crypto.PubkeyToAddress(mustKey(st.OrganizerKey).PublicKey): {Balance: rich}}
	a[crypto.PubkeyToAddress(mustKey(st.PayeeKey).PublicKey)] = types.Account{Balance: some}
	for _, v := range st.Viewers {
		a[crypto.PubkeyToAddress(mustKey(v.Key).PublicKey)] = types.Account{Balance: some}
	}
	return a
}

func newKeyHex() string {
	k, _ := crypto.GenerateKey()
	return hexutil.Encode(crypto.FromECDSA(k))
}

// mustKey parses a key loadDevState checked.
func mustKey(h string) *ecdsa.PrivateKey {
	k, err := crypto.HexToECDSA(strings.TrimPrefix(h, "0x"))
	if err != nil {
		panic(err)
	}
	return k
}

func loadDevState(dir string) (devState, error) {
	path := filepath.Join(dir, "dev-state.json")
	var st devState
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &st); err != nil {
			return st, fmt.Errorf("%s: %w (delete it and %s to start afresh)", path, err, filepath.Join(dir, "devchain"))
		}
	case !errors.Is(err, os.ErrNotExist):
		return st, err
	}
	for _, key := range []*string{&st.StreamKey, &st.USDStreamKey} {
		if *key == "" {
			k := make([]byte, 12)
			_, _ = rand.Read(k)
			*key = hex.EncodeToString(k)
		}
	}
	if st.AdminToken == "" {
		k := make([]byte, 16)
		_, _ = rand.Read(k)
		st.AdminToken = hex.EncodeToString(k)
	}
	if st.OrganizerKey == "" {
		st.OrganizerKey, st.PayeeKey = newKeyHex(), newKeyHex()
	}
	for len(st.Viewers) < devViewers {
		st.Viewers = append(st.Viewers, devViewerState{Key: newKeyHex()})
	}
	for _, k := range append([]string{st.OrganizerKey, st.PayeeKey}, viewerKeys(st)...) {
		if _, err := crypto.HexToECDSA(strings.TrimPrefix(k, "0x")); err != nil {
			return st, fmt.Errorf("%s: a key is damaged (%w); delete it and %s to start afresh", path, err, filepath.Join(dir, "devchain"))
		}
	}
	return st, writeJSON(path, st)
}

func viewerKeys(st devState) []string {
	var out []string
	for _, v := range st.Viewers {
		out = append(out, v.Key)
	}
	return out
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// advertised turns a listen address into one a client on this machine can
// dial (":8080" and "0.0.0.0:8080" become "127.0.0.1:8080").
func advertised(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// devWatchURL opens a session paid by the first demo viewer, with an
// hour of credit, and returns the demo stream's MPEG-TS master playlist
// with its token: a URL any player (VLC, ffplay, Safari) can open as it
// is. (Its index.m3u8, with the same token, is the low-latency one, for
// Safari and hls.js.) The token is renewed in the playlists the player
// keeps fetching.
func devWatchURL(srv *server, info *devInfo, state devState) (string, error) {
	v := info.Viewers[0]
	ch := common.HexToHash(v.Channel)
	acc := srv.pay.ledger.Account(ch)
	price, _ := new(big.Int).SetString(devPrice, 10)
	amount := new(big.Int).Add(acc.Paid(), new(big.Int).Mul(price, big.NewInt(3600)))
	voucher, err := srv.pay.client.Domain.Sign(mustKey(state.Viewers[0].Key), ch, amount)
	if err != nil {
		return "", err
	}
	body, _ := json.Marshal(map[string]string{"channel": ch.Hex(), "amount": amount.String(), "signature": hexutil.Encode(voucher.Signature)})
	resp, err := http.Post(info.HTTP+"/pay/"+devStream+"/session", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var s struct{ Token, Error string }
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("session: %d %s %v", resp.StatusCode, s.Error, err)
	}
	return info.HTTP + "/live/" + devStream + "/ts.m3u8?token=" + url.QueryEscape(s.Token), nil
}

// rtspPublishURL is where stream s is pushed over RTSP: any user name,
// the stream key as password.
func rtspPublishURL(base string, s devStreamInfo) string {
	return strings.Replace(base, "rtsp://", "rtsp://"+s.Name+":"+s.Key+"@", 1) + "/" + s.Name
}

// nginxSnippet is an nginx server that fronts the origins (http://host:port
// URLs: one node, or the nodes of a cluster, between which it spreads the
// requests and fails over) on port listen, caching segments for every
// viewer and passing everything else (playlists, keys, the pay API,
// pages) through uncached: segments are immutable and public, and nginx
// keeps nothing marked private or no-store. proxy_cache_lock makes a
// thousand viewers asking for a new segment at once cost the origin one
// request.
func nginxSnippet(listen string, origins ...string) string {
	servers := ""
	for _, o := range origins {
		servers += "    server " + strings.TrimPrefix(o, "http://") + ";\n"
	}
	return `proxy_cache_path /var/cache/nginx/livegate levels=1:2 keys_zone=livegate:10m max_size=2g inactive=10m use_temp_path=off;
upstream livegate_origin {
` + servers + `    keepalive 64;   # without it, every key and playlist costs a new connection to the origin
}
server {
    listen ` + listen + `;
    location ~ \.(ts|m4s|mp4)$ {
        # segments, low-latency parts (a hinted one held until it exists:
        # the lock makes one request to the origin for all viewers) and
        # init sections; they say themselves how long they keep
        proxy_pass http://livegate_origin;
        proxy_cache livegate;
        proxy_cache_lock on;
        proxy_cache_lock_timeout 5s;
        proxy_cache_valid 200 10m;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-Forwarded-For $remote_addr;
        tcp_nopush off;   # Debian turns it on: cached segments then wait ~40 ms on a kept-alive connection
    }
    location / {
        # playlists, keys, the pay API, pages: never cached (livegate marks
        # them no-cache, private or no-store); with trustedProxies: [this
        # nginx's address] in livegate's config, each viewer is charged by
        # its own address, not nginx's
        proxy_pass http://livegate_origin;
        proxy_buffering off;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-Forwarded-For $remote_addr;
    }
}`
}

// indent prefixes every line of s with n spaces.
func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

func printDevBanner(w io.Writer, info *devInfo, path, watch string) {
	s := info.Streams[0]
	if watch == "" {
		watch = info.HTTP + "/live/" + s.Name + "/index.m3u8 (pay with POST /pay/" + s.Name + "/session first)"
	}
	fmt.Fprintf(w, `
livegate dev is running.

  Push from OBS    Settings > Stream > Service: Custom...
                   Server      %s
                   Stream Key  %s
  or from ffmpeg   ffmpeg -re -i input.mp4 -c:v libx264 -g 60 -c:a aac -f flv %s/%s
  or over RTSP     ffmpeg -re -i input.mp4 -c:v libx264 -g 60 -c:a aac -f rtsp -rtsp_transport tcp %s
  or over WHIP     OBS: Service WHIP, Server %s/whip/%s, Bearer Token the stream key
  or this browser  %s/publish/%s
  Watch and pay    %s
                   (the watch page, paying as it plays with demo viewer 1's burner key)
  Player URL       %s
                   (VLC, ffplay, Safari: an hour of the demo stream, paid by demo viewer 1;
                   MPEG-TS, 2 s segments; the same URL with index.m3u8 for ts.m3u8 is
                   the low-latency one, fMP4 parts of 200 ms, for Safari and hls.js)
  Priced in USDL   stream %s, key %s: 0.03 USDL a minute, the test stablecoin
                   (6 decimals, permit) at %s; watch and pay in it:
                   %s
  Replays          %s/vod/%s/   (paid like live; seconds bought live are not paid again)
  Caches welcome   the demo stream's segments are encrypted and public: any CDN, nginx
                   cache or peer may carry them; livegate sells the keys. An nginx
                   cache in front of this origin (/etc/nginx/conf.d/livegate.conf):
%s
  Dashboard        %s/dashboard#token=%s
  Metrics          curl -H 'Authorization: Bearer %s' %s/metrics   (without the token: no money figures)
  Dev chain        JSON-RPC %s (chain id %d), contract %s
                   payee %s; %d demo viewers with channels of %s wei each
  Everything above, viewer keys included, is in %s. Ctrl-C stops.

`, info.RTMP, s.Key, info.RTMP, s.Key, rtspPublishURL(info.RTSP, s), info.HTTP, s.Name, info.HTTP, s.Name,
		info.Viewers[0].WatchURL, watch, info.Streams[1].Name, info.Streams[1].Key, info.Stablecoin, info.Viewers[0].USDWatchURL,
		info.HTTP, s.Name, indent(nginxSnippet("8081", info.HTTP), 19),
		info.HTTP, info.AdminToken, info.AdminToken, info.HTTP,
		info.RPC, info.ChainID, info.Contract, info.Payee, len(info.Viewers), devDeposit, path)
}
