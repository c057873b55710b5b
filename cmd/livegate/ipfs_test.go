package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/testbrowser"
	"github.com/livegate/livegate/internal/testipfs"
)

// gatewayURI is a segment URI at a gateway: {gateway}/ipfs/{cid}#lg-origin={seq}.ts.
var gatewayURI = regexp.MustCompile(`(?m)^(http://[^/\s]+)/ipfs/([a-z2-7]+)#lg-origin=([0-9]+\.ts)$`)

// Issue 19's proof. A priced stream's recording is published to a real
// kubo node as the origin serves it: each segment's CID in the replay's
// playlist is what an independent `ipfs add --only-hash` gives the
// origin's bytes. Headless Chromium replays it with every segment from
// kubo's gateway (the origin serves none: its counter stands still) and
// every key bought from livegate. Then the archive directory and the
// roots index are deleted, `livegate archive import ROOT` brings the
// recording back from its root CID alone, and it plays again, paid.
func TestPaidRecordingPlaysFromIPFS(t *testing.T) {
	b := testbrowser.Start(t)
	kubo := testipfs.Start(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	w := newPaidWorld(t, dir, 1, 1_000_000_000)
	withIPFS := func(cfg *Config) {
		w.configure(cfg)
		cfg.IPFS = IPFSConfig{API: kubo.API, Gateways: []string{kubo.Gateway}}
		cfg.Admin.Token = "test-admin-token-0123456789"
	}
	e := startE2EWith(t, data, withIPFS)
	if logs := e.logs.String(); !strings.Contains(logs, `msg="ipfs: publishing recordings" api=`+kubo.API+" peer=") {
		t.Errorf("start-up does not name the IPFS node:\n%s", logs)
	}
	e.publishClip("demo")
	var id, root string
	e.eventually("the recording's root published", func() bool {
		r := e.recordings("demo").Recordings[0]
		id, root = r.ID, r.IPFS
		return root != "" && e.srv.archive.PublishBacklog() == 0
	})
	var health struct{ IPFS map[string]any }
	if err := json.Unmarshal(e.mustGet("/healthz"), &health); err != nil || health.IPFS["reachable"] != true ||
		health.IPFS["peerID"] == nil || health.IPFS["publishBacklog"] != 0.0 || health.IPFS["publishFailed"] != 0.0 {
		t.Errorf("/healthz ipfs: %v %v", health.IPFS, err)
	}

	// Every segment the replay names is at the gateway, under the CID of
	// the bytes the origin serves.
	media := string(e.mustGet("/vod/demo/" + id + "/source/index.m3u8"))
	named := gatewayURI.FindAllStringSubmatch(media, -1)
	if len(named) != 3 || strings.Contains(media, "\n0.ts") {
		t.Fatalf("the replay's playlist names %d segments at a gateway, want the clip's 3:\n%s", len(named), media)
	}
	for _, m := range named {
		if m[1] != kubo.Gateway {
			t.Errorf("segment %s named at %s, not the gateway", m[3], m[1])
		}
		served := e.mustGet("/vod/demo/" + id + "/source/" + m[3])
		if got := testipfs.OnlyHash(t, served); got != m[2] {
			t.Errorf("segment %s: the playlist names %s, ipfs add --only-hash of the origin's %d bytes gives %s", m[3], m[2], len(served), got)
		}
	}

	watch := func(label string) {
		t.Helper()
		before := e.srv.pay.ledger.Account(w.channels[0]).Spent
		served := e.srv.origin.VODSegmentsServed("demo")
		b.Open("about:blank")
		b.Open(e.base + "/watch/demo/" + id + "#k=" + hexutil.Encode(crypto.FromECDSA(w.viewers[0])) + "&c=" + w.channels[0].Hex())
		b.Poll(label+": the replay plays", 40*time.Second,
			`const s = window.livegate.state(); return s.time >= 3 && s.ipfs.gateway >= 2`, watchStateScript)
		var got struct{ Gateway, Origin, Bad, Failed, Keys int }
		b.MustEval(&got, `const s = window.livegate.state(); return {gateway: s.ipfs.gateway, origin: s.ipfs.origin, bad: s.ipfs.bad, failed: s.ipfs.failed, keys: s.keys}`)
		after := e.srv.pay.ledger.Account(w.channels[0]).Spent
		if got.Origin != 0 || got.Bad != 0 || e.srv.origin.VODSegmentsServed("demo") != served {
			t.Errorf("%s: segments from the gateway %d, from the origin %d (its counter %d → %d), bad %d",
				label, got.Gateway, got.Origin, served, e.srv.origin.VODSegmentsServed("demo"), got.Bad)
		}
		if got.Keys < 2 || after.Cmp(before) <= 0 {
			t.Errorf("%s: %d keys bought, spent %v → %v", label, got.Keys, before, after)
		}
		t.Logf("%s: %d segments from kubo's gateway, %d from the origin, %d keys bought for %v wei",
			label, got.Gateway, got.Origin, got.Keys, new(big.Int).Sub(after, before))
	}
	watch("published")
	b.Open(e.base + "/dashboard#token=test-admin-token-0123456789")
	b.Poll("the dashboard shows the root", 20*time.Second,
		`return document.getElementById('recordings').textContent.includes('`+root[len(root)-12:]+`')`,
		`return document.getElementById('recordings').textContent`)
	e.close()

	// Lost: the archive directory and the roots index. The root CID alone
	// brings the recording back (the ledger keeps its secret).
	for _, p := range []string{filepath.Join(data, "archive"), filepath.Join(data, "ipfs-roots.log")} {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(dir, "livegate.yml")
	yml := fmt.Sprintf("data: %s\nipfs:\n  api: %s\nstreams:\n  - {name: demo, key: demo-stream-key}\n", strconv.Quote(data), kubo.API)
	if err := os.WriteFile(cfgPath, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"archive", "import", "--config", cfgPath, root}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "imported demo/"+id) {
		t.Fatalf("archive import: exit %d: %s%s", code, out.String(), errOut.String())
	}
	e = startE2EWith(t, data, withIPFS)
	if l := e.recordings("demo").Recordings; len(l) != 1 || l[0].ID != id || l[0].IPFS != root || l[0].Segments != 3 {
		t.Fatalf("after the import: %+v", l)
	}
	watch("imported")
}
