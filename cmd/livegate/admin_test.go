package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Wrong admin tokens are held back and counted per client host: after
// the limit that host waits, even with the right token, while another
// host gets in. A request without a token (the dashboard's first look)
// counts for nothing.
func TestWrongAdminTokensAreLimitedPerClient(t *testing.T) {
	e := startE2EWith(t, t.TempDir(), func(c *Config) { c.Admin.Token = "the-right-admin-token-0123456789" })
	e.srv.adminLim.Delay = 20 * time.Millisecond
	state := func(from, token string) int {
		t.Helper()
		d := dialerFrom(from)
		c := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
		req, _ := http.NewRequest("GET", e.base+"/admin/state", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for range 30 {
		if code := state("127.0.0.1", ""); code != http.StatusUnauthorized {
			t.Fatalf("no token: %d", code)
		}
	}
	if code := state("127.0.0.1", "the-right-admin-token-0123456789"); code != 200 {
		t.Fatalf("requests without a token locked the right one out: %d", code)
	}
	start := time.Now()
	for i := range 10 {
		if code := state("127.0.0.1", "guess-"+strings.Repeat("x", i)); code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d", i, code)
		}
	}
	if held := time.Since(start); held < 10*20*time.Millisecond {
		t.Errorf("ten wrong tokens answered in %v: each should be held back 20 ms", held)
	}
	if code := state("127.0.0.1", "the-right-admin-token-0123456789"); code != http.StatusTooManyRequests {
		t.Errorf("after ten wrong tokens, the guesser's host: %d, want 429", code)
	}
	if code := state("127.0.0.2", "the-right-admin-token-0123456789"); code != 200 {
		t.Errorf("another host with the right token: %d", code)
	}
	if !strings.Contains(e.logs.String(), "admin: wrong token") {
		t.Errorf("no log line for wrong admin tokens")
	}
}
