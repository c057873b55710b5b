package main

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/testbrowser"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// pushLoop publishes the clip over RTMP with ffmpeg, looped to about
// seconds long, in real time, until it ends or the test does.
func pushLoop(t *testing.T, e *e2e, seconds int) {
	t.Helper()
	ffmpeg := testenv.Tool(t, "ffmpeg")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-re",
		"-stream_loop", strconv.Itoa(seconds/6-1), "-i", testmedia.ClipPath(),
		"-c", "copy", "-f", "flv", "rtmp://"+e.rtmp+"/live/demo-stream-key")
	logs := &testenv.LogBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	e.eventually("the first segment listed", func() bool {
		code, _, body := e.get("/live/demo/source/index.m3u8")
		return code == 200 && strings.Contains(string(body), ".ts")
	})
}

// watchState is what the watch page reports (window.livegate.state()).
type watchState struct {
	Key, Channel, Deposit, Paid, Spent, Price, Tips, Error string
	Vouchers                                               int
	Keys                                                   int // segment keys hls.js loaded, each counted once
	OutOfCredit                                            bool
	Time                                                   float64
	Paused                                                 bool
	// The live delay: now − the playing frame's program date time (nil
	// when unknown), and hls.js's distance from the live edge (seconds).
	Delay, Edge *float64
	LowLatency  bool    // the playlist playing has parts
	PartTarget  float64 // its PART-TARGET, seconds
	Parts       int     // low-latency parts hls.js buffered
	Fragments   int     // whole segments hls.js buffered
	Errors      []string
}

// String shows the state with the delays' values rather than pointers.
func (s watchState) String() string {
	type plain watchState
	return fmt.Sprintf("%+v (delay %s, hls.js latency %s)", plain(s), seconds(s.Delay), seconds(s.Edge))
}

// seconds shows a state's optional seconds.
func seconds(s *float64) string {
	if s == nil {
		return "unknown"
	}
	return fmt.Sprintf("%.2f s", *s)
}

const watchStateScript = `return window.livegate ? window.livegate.state() : null`

func (e *e2e) watchState(b *testbrowser.Browser) watchState {
	e.t.Helper()
	var s watchState
	b.MustEval(&s, watchStateScript)
	return s
}

// TestWatchPagePaysAsItPlays opens the watch page as a viewer with a
// prefunded burner link would, in headless Chromium: the page finds the
// key's channel, pays ahead with vouchers it signs itself, and plays the
// paid stream for 20 s while the ledger records the spend; a tip raises
// the voucher. A second viewer, with 6 s of deposit, is stopped with the
// out-of-credit message when it runs dry.
func TestWatchPagePaysAsItPlays(t *testing.T) {
	b := testbrowser.Start(t)
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000_000)
	payee := crypto.PubkeyToAddress(w.payee.PublicKey)
	burner, _ := crypto.GenerateKey() // funded by viewer 0, as an organizer prefunds a link
	tiny, _, err := w.client.Open(w.ctx, w.viewers[0], crypto.PubkeyToAddress(burner.PublicKey), payee,
		time.Now().Add(24*time.Hour), big.NewInt(6*testPrice))
	if err != nil {
		t.Fatal(err)
	}
	e := startE2EWith(t, filepath.Join(dir, "data"), w.configure)
	pushLoop(t, e, 48)

	b.Open(e.base + "/watch/demo#k=" + hexutil.Encode(crypto.FromECDSA(w.viewers[0])) + "&c=" + w.channels[0].Hex())
	var start float64
	b.Poll("playback starts", 30*time.Second, `const s = window.livegate.state(); return s.time > 0 && !s.paused`, watchStateScript)
	start = e.watchState(b).Time
	b.Poll("20 s of paid playback", 60*time.Second,
		`return window.livegate.state().time >= `+strconv.FormatFloat(start+20, 'f', 3, 64), watchStateScript)
	s := e.watchState(b)
	acc := e.srv.pay.ledger.Account(w.channels[0])
	if s.Channel != w.channels[0].Hex() || s.Vouchers < 2 || s.OutOfCredit || s.Error != "" {
		t.Errorf("page state after 20 s: %+v", s)
	}
	// The page bought a key per segment it played, and its display
	// follows what the keys' answers said was spent.
	if s.Keys < 10 || s.Spent == "0" || s.Spent == "" {
		t.Errorf("after 20 s the page loaded %d keys and shows %q spent", s.Keys, s.Spent)
	}
	// A stream that is not low-latency plays its MPEG-TS master, whole
	// segments, as before.
	if s.LowLatency || s.Parts != 0 || s.Fragments < 10 {
		t.Errorf("the standard stream played %d parts and %d whole segments (low-latency %v)", s.Parts, s.Fragments, s.LowLatency)
	}
	t.Logf("standard stream, MPEG-TS 2 s segments: the page plays %s behind live (now − playing date); hls.js's latency %s",
		seconds(s.Delay), seconds(s.Edge))
	// At least 20 s were charged, and the page keeps credit signed ahead.
	if acc.Spent.Cmp(big.NewInt(20*testPrice)) < 0 || acc.Paid().Cmp(acc.Spent) <= 0 {
		t.Errorf("ledger after 20 s of playback: paid %v, spent %v", acc.Paid(), acc.Spent)
	}
	shoot(t, b, "watch.png")

	// A tip of a minute's price raises the voucher, and the ledger keeps it apart.
	b.MustEval(nil, `document.getElementById('tip').click()`)
	b.Poll("the tip is taken", 10*time.Second, `return window.livegate.state().tips === '`+big.NewInt(60*testPrice).String()+`'`, watchStateScript)
	if acc := e.srv.pay.ledger.Account(w.channels[0]); acc.Streams["demo"].Tips.Cmp(big.NewInt(60*testPrice)) != 0 {
		t.Errorf("ledger money %v", acc.Streams)
	}

	// The organizer's dashboard shows that viewer, the money and the channel.
	if code, _, _ := e.get("/admin/state"); code != http.StatusUnauthorized {
		t.Errorf("admin state without the token: %d", code)
	}
	b.Open(e.base + "/dashboard#token=test-admin-token-0123456789")
	b.Poll("the dashboard shows the viewer and the tip", 20*time.Second, `const s = window.livegate.state;
		if (!s) return false;
		const demo = s.streams.find((x) => x.name === 'demo');
		return demo.live && demo.viewers === 1 && demo.tips === '60000' &&
			document.getElementById('streams').textContent.includes('60000 wei') &&
			document.getElementById('streams').textContent.includes('360p') &&
			document.getElementById('streams').textContent.includes('standard') && !demo.lowLatency &&
			document.getElementById('channels').textContent.includes('`+w.channels[0].Hex()[:10]+`')`,
		`return window.livegate.state`)
	var board adminState
	b.MustEval(&board, `return window.livegate.state`)
	acc = e.srv.pay.ledger.Account(w.channels[0])
	if d := board.Streams[0]; d.Paid != acc.Paid().String() || d.Spent != acc.Spent.String() || d.Vouchers < 3 ||
		d.Protocol != "rtmp" || d.Bitrate == 0 || len(d.Recordings) != 1 {
		t.Errorf("dashboard's demo stream %+v; ledger paid %v spent %v", d, acc.Paid(), acc.Spent)
	}
	if len(board.Channels) != 1 || board.Channels[0].Best != acc.Paid().String() || board.Channels[0].Settlement != "owed" {
		t.Errorf("dashboard's channels %+v", board.Channels)
	}
	shoot(t, b, "dashboard.png")
	committed := e.srv.pay.ledger.CommitStats()
	// The money on /metrics needs the admin token.
	_, prom := getWith(t, e.base+"/metrics", "Authorization", "Bearer test-admin-token-0123456789")
	committing := e.srv.pay.ledger.CommitStats() // the page goes on paying meanwhile
	for series, want := range map[string]string{
		`livegate_stream_live{protocol="rtmp",stream="demo"}`: "1",
		`livegate_viewers{stream="demo"}`:                     "1",
		`livegate_tips_wei_total{stream="demo"}`:              "60000",
		`livegate_paid_wei_total{stream="demo"}`:              acc.Paid().String(),
		`livegate_spent_wei_total{stream="demo"}`:             acc.Spent.String(),
		`livegate_vouchers_accepted_total{stream="demo"}`:     fmt.Sprint(board.Streams[0].Vouchers),
		`livegate_channels{settlement="owed"}`:                "1",
		`livegate_unclaimed_wei`:                              acc.Paid().String(),
		`livegate_ingest_segments_total{stream="stage2"}`:     "0",
		`livegate_payment_required_total{stream="demo"}`:      "0",
	} {
		if got := metric(prom, series); got != want {
			t.Errorf("/metrics %s = %q, want %s", series, got, want)
		}
	}
	// Every voucher and charge so far went through the ledger's log.
	changes, _ := strconv.ParseFloat(metric(prom, "livegate_ledger_changes_total"), 64)
	commits, _ := strconv.ParseFloat(metric(prom, "livegate_ledger_commits_total"), 64)
	wait, _ := strconv.ParseFloat(metric(prom, "livegate_ledger_wait_seconds_total"), 64)
	synced, _ := strconv.ParseFloat(metric(prom, "livegate_ledger_sync_seconds_total"), 64)
	// Each change waits at least for its own commit's sync.
	if committed.Changes < 3 || changes < float64(committed.Changes) || changes > float64(committing.Changes) ||
		commits < float64(committed.Commits) || commits > float64(committing.Commits) || wait < committed.Wait.Seconds() ||
		synced <= 0 || synced > wait {
		t.Errorf("/metrics on the ledger's commits: %v changes, %v commits, %v s waited, %v s syncing; the ledger counted %+v before and %+v after",
			changes, commits, wait, synced, committed, committing)
	}
	if n, _ := strconv.Atoi(metric(prom, `livegate_ingest_segments_total{stream="demo"}`)); n < 10 {
		t.Errorf("/metrics: %d segments cut", n)
	}

	// The tiny channel: 6 s of credit, then the page stops and says why.
	b.Open("about:blank")
	b.Open(e.base + "/watch/demo#k=" + hexutil.Encode(crypto.FromECDSA(burner)) + "&c=" + tiny.Hex())
	b.Poll("out of credit", 40*time.Second,
		`return document.getElementById('msg').textContent.includes('Out of credit') && window.livegate.state().outOfCredit`, watchStateScript)
	s = e.watchState(b)
	time.Sleep(2 * time.Second)
	later := e.watchState(b)
	if !later.Paused || later.Time != s.Time || s.Channel != tiny.Hex() {
		t.Errorf("after running dry: %+v, then %+v", s, later)
	}
	// All of the deposit signed, and spent but for less than a segment.
	if acc := e.srv.pay.ledger.Account(tiny); acc.Paid().Cmp(big.NewInt(6*testPrice)) != 0 || acc.Spent.Sign() == 0 ||
		acc.Credit().Cmp(big.NewInt(2100)) >= 0 {
		t.Errorf("tiny channel: paid %v, spent %v: want 6000 paid and less than a segment's price left", acc.Paid(), acc.Spent)
	}
	shoot(t, b, "watch-out-of-credit.png")
	_, _, prom = e.get("/metrics")
	if n, _ := strconv.Atoi(metric(prom, `livegate_payment_required_total{stream="demo"}`)); n < 1 {
		t.Errorf("/metrics: %d 402s after the tiny channel ran dry", n)
	}

	// The recording, replayed from its start and paid again in a new session.
	rec := e.recordings("demo").Recordings[0]
	before := e.srv.pay.ledger.Account(w.channels[0]).Spent
	b.Open("about:blank")
	b.Open(e.base + "/watch/demo/" + rec.ID + "#k=" + hexutil.Encode(crypto.FromECDSA(w.viewers[0])) + "&c=" + w.channels[0].Hex())
	b.Poll("the replay plays from the start", 30*time.Second,
		`const s = window.livegate.state(); return s.recording !== '' && s.time >= 3 && !s.paused`, watchStateScript)
	if after := e.srv.pay.ledger.Account(w.channels[0]).Spent; after.Cmp(before) <= 0 {
		t.Errorf("the replay was not charged: spent %v, then %v", before, after)
	}
}

// metric is a series' value in a /metrics answer ("" when absent).
func metric(body []byte, series string) string {
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}

// shoot saves a screenshot into $LIVEGATE_SCREENSHOTS, when set. The
// README's pictures (cmd/livegate/web/screenshots) come from here:
//
//	LIVEGATE_SCREENSHOTS=$PWD/cmd/livegate/web/screenshots go test ./cmd/livegate -run 'TestWatchPagePaysAsItPlays|TestPublishPageGoesLive|TestLinksSheetPlays'
func shoot(t *testing.T, b *testbrowser.Browser, name string) {
	t.Helper()
	dir := os.Getenv("LIVEGATE_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := b.Screenshot(filepath.Join(dir, name)); err != nil {
		t.Errorf("screenshot: %v", err)
	}
}
