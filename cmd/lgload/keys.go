package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livegate/livegate/paywall"
)

// keys measures first-time paid key requests per second: clients, each
// on its own channel, buy every key of a finished recording in order,
// then open a new session (whose keys are all first-time again) and start
// over. Every 200 is a charge that the ledger made durable before the key
// went out; after the run, lgload stops the server, opens its ledger file
// and checks that the channels' spent is the sum of the prices of the
// keys they received.
func keys(ctx context.Context, o options, w *world) error {
	dir := filepath.Join(o.work, "keys")
	srv, err := startServer(o, w, serverConf{dir: dir, window: 6, extra: "limits: {connsPerClient: 4096, conns: 8192}\n"})
	if err != nil {
		return err
	}
	defer srv.stop()
	const loops = 60
	if err := publish(srv.rtmp, "paid-stream-key", loops, false, nil); err != nil {
		return err
	}
	rec, segs, err := recording(srv, "paid")
	if err != nil {
		return err
	}
	fmt.Printf("\n== keys: %d clients buy the keys of a recording of %d segments for %v\n", o.clients, segs, o.duration)
	if err := checkKey(srv, w, o.clients, rec); err != nil {
		return err
	}
	keyURL := srv.base + "/key/paid/" + rec + "/"
	type clientState struct {
		lat      []time.Duration
		priceSum big.Int
		sessions int
	}
	cs := make([]*clientState, o.clients)
	var ok, refused, failed atomic.Int64
	ledger0 := ledgerCommits(srv)
	srvCPU, ownCPU := srv.cpu(), procCPU(os.Getpid())
	profErr := make(chan error, 1)
	if o.profile != "" {
		go func() {
			profErr <- saveProfile(srv.pprof, filepath.Join(o.profile, "livegate-keys.pprof"), max(o.duration-2*time.Second, time.Second))
		}()
	} else {
		profErr <- nil
	}
	start := time.Now()
	deadline := start.Add(o.duration)
	var wg sync.WaitGroup
	for c := range o.clients {
		st := &clientState{lat: make([]time.Duration, 0, 1<<14)}
		cs[c] = st
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := viewerClient(viewerAddr(c)) // a host and viewer network of its own, as real buyers' are
			defer hc.CloseIdleConnections()
			var query string
			for i := 0; time.Now().Before(deadline); i++ {
				seq := i % segs
				if seq == 0 { // a new session: every key first-time again
					body, err := w.voucherJSON(c, big.NewInt(1<<40+int64(st.sessions)))
					if err != nil {
						failed.Add(1)
						return
					}
					code, out, err := postJSONVia(hc, srv.base+"/pay/paid/session", "", body)
					if err != nil || code != http.StatusOK {
						failed.Add(1)
						time.Sleep(100 * time.Millisecond)
						i-- // open it again
						continue
					}
					st.sessions++
					query = "?token=" + url.QueryEscape(out["token"].(string))
				}
				t0 := time.Now()
				code, _, price, err := fetchKeyVia(hc, keyURL+strconv.Itoa(seq)+query)
				d := time.Since(t0)
				switch {
				case err != nil:
					failed.Add(1)
				case code != http.StatusOK:
					refused.Add(1)
				default:
					ok.Add(1)
					st.lat = append(st.lat, d)
					st.priceSum.Add(&st.priceSum, price)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	sc2, oc := srv.cpu()-srvCPU, procCPU(os.Getpid())-ownCPU
	l := ledgerCommits(srv).minus(ledger0)
	if err := <-profErr; err != nil {
		fmt.Fprintln(os.Stderr, "lgload: profile:", err)
	}
	var all []time.Duration
	sold := new(big.Int)
	sessions := 0
	for _, st := range cs {
		all = append(all, st.lat...)
		sold.Add(sold, &st.priceSum)
		sessions += st.sessions
	}
	slices.Sort(all)
	n := ok.Load()
	fmt.Printf("%d keys sold in %v: %.0f per second; %d refused, %d failed; %d sessions opened\n",
		n, took.Round(time.Millisecond), float64(n)/took.Seconds(), refused.Load(), failed.Load(), sessions)
	r := func(p float64) time.Duration { return quantile(all, p).Round(10 * time.Microsecond) }
	fmt.Printf("key latency: p50 %v  p90 %v  p99 %v  max %v\n", r(0.5), r(0.9), r(0.99), r(1))
	fmt.Printf("CPU µs per key: server %.0f, load generator %.0f (%d CPUs)\n",
		float64(sc2.Microseconds())/float64(max(n, 1)), float64(oc.Microseconds())/float64(max(n, 1)), numCPU())
	if l.changes > 0 {
		fmt.Printf("ledger: %.0f syncs/s, %.1f changes per sync, a change waited %.2f ms for its sync\n",
			l.commits/took.Seconds(), l.changes/max(l.commits, 1), 1000*l.wait/l.changes)
	}
	// Durable: stop the server, read its ledger file.
	spent, short := new(big.Int), 0
	err = srv.onDisk(w, firstN(len(cs)), func(c int, acc paywall.Account) {
		spent.Add(spent, acc.Spent)
		if acc.Spent.Cmp(&cs[c].priceSum) != 0 {
			short++
		}
	})
	if err != nil {
		return err
	}
	verdict := "equal"
	if spent.Cmp(sold) != 0 {
		verdict = "DIFFERENT"
	}
	fmt.Printf("ledger on disk after stopping the server: spent %s wei; prices of the %d keys received %s wei: %s (%d of %d channels differ)\n",
		spent, n, sold, verdict, short, len(cs))
	return nil
}

// checkKey makes sure the figures are of real keys: the recording's
// first segment does not start as a transport stream, and does once its
// key, bought with a session on channel i, decrypts it.
func checkKey(srv *server, w *world, i int, rec string) error {
	code, pl, err := fetchBody(srv.base + "/vod/paid/" + rec + "/source/index.m3u8")
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("the recording's playlist: %d %v", code, err)
	}
	ks := keyedSegments(pl)
	if len(ks) == 0 || ks[0].key == "" {
		return fmt.Errorf("the recording's playlist names no key")
	}
	_, seg, err := fetchBody(srv.base + "/vod/paid/" + rec + "/source/" + ks[0].uri)
	if err != nil {
		return err
	}
	tok, err := w.session(srv, i, big.NewInt(1<<40))
	if err != nil {
		return err
	}
	_, key, err := fetchBody(srv.base + ks[0].key + "?token=" + url.QueryEscape(tok))
	if err != nil {
		return err
	}
	if !decryptsToTS(seg, key, ks[0].iv) {
		return fmt.Errorf("key %s does not decrypt segment %s to a transport stream", ks[0].key, ks[0].uri)
	}
	if tsSync(seg) {
		return fmt.Errorf("segment %s is in the clear", ks[0].uri)
	}
	fmt.Printf("checked: segment %s is encrypted, and its key decrypts it to a transport stream\n", ks[0].uri)
	return nil
}

// keyedSegment is a media playlist's segment with its key's URI and IV.
type keyedSegment struct {
	uri, key string
	iv       []byte
}

// keyedSegments reads a media playlist's segments and their keys.
func keyedSegments(pl []byte) []keyedSegment {
	var out []keyedSegment
	var key string
	var iv []byte
	for line := range strings.Lines(string(pl)) {
		line = strings.TrimSpace(line)
		if attrs, ok := strings.CutPrefix(line, "#EXT-X-KEY:"); ok {
			key, iv = "", nil
			for _, a := range splitAttrs(attrs) {
				name, value, _ := strings.Cut(a, "=")
				switch name {
				case "URI":
					key = strings.Trim(value, `"`)
				case "IV":
					iv, _ = hex.DecodeString(strings.TrimPrefix(strings.TrimPrefix(value, "0x"), "0X"))
				}
			}
			continue
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, keyedSegment{uri: line, key: key, iv: iv})
		}
	}
	return out
}

// splitAttrs splits an attribute list at commas outside quotes.
func splitAttrs(s string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// decryptsToTS says whether AES-128-CBC with key and iv turns seg into
// the start of a transport stream: sync bytes at 0, 188 and 376 (each
// block decrypted on its own, with the block before it as its IV).
func decryptsToTS(seg, key, iv []byte) bool {
	if len(seg) < 3*188 || len(key) != aes.BlockSize || len(iv) != aes.BlockSize {
		return false
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return false
	}
	for _, at := range []int{0, 188, 376} {
		blk := at / aes.BlockSize * aes.BlockSize
		prev := iv
		if blk > 0 {
			prev = seg[blk-aes.BlockSize : blk]
		}
		var plain [aes.BlockSize]byte
		cipher.NewCBCDecrypter(b, prev).CryptBlocks(plain[:], seg[blk:blk+aes.BlockSize])
		if plain[at-blk] != 0x47 {
			return false
		}
	}
	return true
}

// tsSync says whether seg reads as a clear transport stream.
func tsSync(seg []byte) bool {
	return len(seg) >= 3*188 && seg[0] == 0x47 && seg[188] == 0x47 && seg[376] == 0x47
}
