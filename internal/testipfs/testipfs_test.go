package testipfs

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/ipfs"
)

// TestNodeServesAcrossARestart: what the IPFS archive's tests rely on. A
// file added through the API has the CID kubo's CLI computes on its own,
// the gateway serves it to a page on another origin (CORS), a stopped
// node does not answer, and a restarted one, on the same ports, still has
// the file.
func TestNodeServesAcrossARestart(t *testing.T) {
	n := Start(t)
	c, err := ipfs.New(n.API)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := make([]byte, 300_000) // two chunks: a dag-pb root over raw leaves
	_, _ = rand.Read(data)
	cid, _, err := c.Add(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if want := OnlyHash(t, data); cid != want {
		t.Fatalf("the daemon's add gave %s, the CLI's --only-hash %s", cid, want)
	}

	resp, body := testenv.Get(t, "GET", n.Gateway+"/ipfs/"+cid, "Origin", "http://page.example")
	if resp.StatusCode != 200 || !bytes.Equal(body, data) {
		t.Fatalf("gateway: %s, %d bytes, want the %d added", resp.Status, len(body), len(data))
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" && got != "http://page.example" {
		t.Fatalf("gateway: Access-Control-Allow-Origin %q: a page on another origin could not read it", got)
	}

	// hls.js may ask for a range: the browser's preflight must pass.
	resp, _ = testenv.Get(t, "OPTIONS", n.Gateway+"/ipfs/"+cid, "Origin", "http://page.example",
		"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "range")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); resp.StatusCode != 200 || got != "*" && got != "http://page.example" ||
		!strings.Contains(strings.Join(resp.Header.Values("Access-Control-Allow-Headers"), ","), "Range") {
		t.Fatalf("gateway preflight: %s, headers %v", resp.Status, resp.Header)
	}

	n.Stop()
	if _, err := c.ID(ctx); !errors.Is(err, ipfs.ErrUnreachable) {
		t.Fatalf("a stopped node: ID gave %v, want unreachable", err)
	}
	n.Restart()
	r, err := c.Cat(ctx, "/ipfs/"+cid, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after a restart: read %d bytes (%v), want the %d added", len(got), err, len(data))
	}
}
