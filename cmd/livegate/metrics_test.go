package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// testAdminToken is paidWorld.configure's admin.token.
const testAdminToken = "test-admin-token-0123456789"

// privateSeries are the money: served only with the admin token or
// metrics.public.
var privateSeries = []string{"livegate_paid_wei_total", "livegate_spent_wei_total", "livegate_tips_wei_total",
	"livegate_vouchers_accepted_total", "livegate_channels", "livegate_claimed_wei", "livegate_unclaimed_wei"}

// /metrics shows the operational series to anyone, and revenue and the
// channels' figures only to a scrape with the admin token (a wrong token
// is refused, as on the admin API), or to anyone once metrics.public is
// set.
func TestMetricsKeepTheMoneyPrivate(t *testing.T) {
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), w.configure)
	var s session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 2500), &s); code != 200 {
		t.Fatalf("session: %d %s", code, msg)
	}
	scrape := func(base string, hdr ...string) (int, string) {
		t.Helper()
		resp, body := getWith(t, base+"/metrics", hdr...)
		return resp.StatusCode, string(body)
	}
	hasMoney := func(body string) []string {
		var found []string
		for _, series := range privateSeries {
			if strings.Contains(body, "\n"+series+"{") || strings.Contains(body, "\n"+series+" ") {
				found = append(found, series)
			}
		}
		return found
	}
	public := func(what, body string) {
		t.Helper()
		for _, series := range []string{`livegate_ingest_segments_total{stream="demo"}`, `livegate_stream_live{`,
			"livegate_ledger_commits_total", "livegate_chain_confirmed_block", "go_goroutines"} {
			if !strings.Contains(body, series) {
				t.Errorf("%s: no %s", what, series)
			}
		}
	}

	code, body := scrape(e.base)
	if code != 200 || len(hasMoney(body)) != 0 {
		t.Errorf("anonymous scrape: %d, private series %v", code, hasMoney(body))
	}
	public("anonymous scrape", body)

	code, body = scrape(e.base, "Authorization", "Bearer not-the-admin-token-at-all")
	if code != http.StatusUnauthorized || len(hasMoney(body)) != 0 {
		t.Errorf("wrong token: %d, private series %v", code, hasMoney(body))
	}

	code, body = scrape(e.base, "Authorization", "Bearer "+testAdminToken)
	if code != 200 || len(hasMoney(body)) != len(privateSeries) || metric([]byte(body), `livegate_paid_wei_total{stream="demo"}`) != "2500" {
		t.Errorf("admin scrape: %d, private series %v, paid %q", code, hasMoney(body), metric([]byte(body), `livegate_paid_wei_total{stream="demo"}`))
	}
	public("admin scrape", body)

	// metrics.public opens the money to every scrape.
	open := startE2EWith(t, filepath.Join(dir, "data-public"), func(c *Config) {
		w.configure(c)
		c.Metrics.Public = true
	})
	code, body = scrape(open.base)
	if code != 200 || len(hasMoney(body)) != len(privateSeries) {
		t.Errorf("metrics.public: %d, private series %v", code, hasMoney(body))
	}
	public("metrics.public scrape", body)
}
