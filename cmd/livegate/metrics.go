package main

import (
	"math/big"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is GET /metrics: Prometheus series named livegate_…. Most are
// read from the components when scraped (streams, viewers, the paywall's
// counters, the ledger's commits, the chain); the transcode delay is a
// histogram observed as segments come back.
//
// The money is private: revenue (paid, spent, tipped, vouchers accepted
// per stream) and the payment channels' figures are served only to a
// scrape carrying the admin token (Authorization: Bearer <admin.token>),
// or to anyone when metrics.public is set. The operational series are
// public.
type metrics struct {
	srv       *server
	public    *prometheus.Registry
	private   *prometheus.Registry
	transcode *prometheus.HistogramVec
}

func newMetrics(s *server) *metrics {
	m := &metrics{srv: s, public: prometheus.NewRegistry(), private: prometheus.NewRegistry(),
		transcode: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "livegate_transcode_seconds",
			Help:    "Time from a source segment being cut to its renditions coming back (or failing), queue included.",
			Buckets: []float64{.25, .5, .75, 1, 1.5, 2, 3, 4, 6, 8, 12, 20},
		}, []string{"stream", "result"}),
	}
	m.public.MustRegister(operational{m}, m.transcode, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.private.MustRegister(revenue{m})
	return m
}

func (m *metrics) transcoded(stream string, took time.Duration, ok bool) {
	result := "ok"
	if !ok {
		result = "failed"
	}
	m.transcode.WithLabelValues(stream, result).Observe(took.Seconds())
}

// handler serves the public series to anyone, and the private ones too
// with the admin token or metrics.public. A wrong token is refused (and
// counted) as on the admin API, so /metrics is no way to guess it.
func (m *metrics) handler() http.Handler {
	public := promhttp.HandlerFor(m.public, promhttp.HandlerOpts{})
	all := promhttp.HandlerFor(prometheus.Gatherers{m.public, m.private}, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Authorization")
		switch {
		case m.srv.cfg.Metrics.Public:
			all.ServeHTTP(w, r)
		case r.Header.Get("Authorization") == "":
			public.ServeHTTP(w, r)
		case m.srv.adminAuthorized(w, r):
			w.Header().Set("Cache-Control", "no-store")
			all.ServeHTTP(w, r)
		}
	})
}

var (
	mLive = prometheus.NewDesc("livegate_stream_live", "1 while a publisher feeds the stream.", []string{"stream", "protocol"}, nil)
	mSegs = prometheus.NewDesc("livegate_ingest_segments_total", "Source segments cut since the server started.", []string{"stream"}, nil)
	mByte = prometheus.NewDesc("livegate_ingest_bytes_total", "Source segment bytes since the server started.", []string{"stream"}, nil)
	mVOD  = prometheus.NewDesc("livegate_vod_segments_served_total", "Recorded segments the origin served since the server started (those viewers fetched from IPFS gateways are not counted).", []string{"stream"}, nil)
	mRate = prometheus.NewDesc("livegate_bitrate_bits_per_second",
		"Average bit rate of each live rendition over the live window.", []string{"stream", "rendition"}, nil)
	mView = prometheus.NewDesc("livegate_viewers", "Viewers who fetched a segment (a priced stream: bought a key) in the last 15 s.", []string{"stream"}, nil)
	m402  = prometheus.NewDesc("livegate_payment_required_total", "402 Payment Required answers.", []string{"stream"}, nil)
	mAcc  = prometheus.NewDesc("livegate_vouchers_accepted_total", "Vouchers accepted.", []string{"stream"}, nil)
	mRef  = prometheus.NewDesc("livegate_vouchers_refused_total", "Vouchers and payments refused, by reason.", []string{"reason"}, nil)
	mPaid = prometheus.NewDesc("livegate_paid_wei_total", "Voucher increases accepted through the stream, in wei.", []string{"stream"}, nil)
	mSpnt = prometheus.NewDesc("livegate_spent_wei_total", "Charged for the stream's segments, and tipped, in wei.", []string{"stream"}, nil)
	mTips = prometheus.NewDesc("livegate_tips_wei_total", "Tipped to the stream, in wei.", []string{"stream"}, nil)
	mChan = prometheus.NewDesc("livegate_channels", "Channels holding a voucher, by settlement state.", []string{"settlement"}, nil)
	mClmd = prometheus.NewDesc("livegate_claimed_wei", "Claimed on chain from the channels holding a voucher, in wei.", nil, nil)
	mOwed = prometheus.NewDesc("livegate_unclaimed_wei", "Best vouchers above what was claimed: what settlement will claim, in wei.", nil, nil)
	mHead = prometheus.NewDesc("livegate_chain_confirmed_block", "The last block whose events count.", nil, nil)
	mFail = prometheus.NewDesc("livegate_chain_sync_failures", "Consecutive failed reads of the chain.", nil, nil)
	mCmts = prometheus.NewDesc("livegate_ledger_commits_total", "The ledger's group commits: log writes, each synced (embedded), or transactions (PostgreSQL).", nil, nil)
	mChgs = prometheus.NewDesc("livegate_ledger_changes_total", "Changes the ledger made durable: charges, vouchers, tips.", nil, nil)
	mWait = prometheus.NewDesc("livegate_ledger_wait_seconds_total",
		"Time changes waited for their sync, summed; over livegate_ledger_changes_total, what a paid segment's answer waits on average.", nil, nil)
	mSync = prometheus.NewDesc("livegate_ledger_sync_seconds_total", "Time the ledger's group commits took, summed: log writes and syncs, or transactions.", nil, nil)
)

// operational is the public series; revenue the private ones. Neither
// describes its series ahead: they vary with the config (unchecked
// collectors).
type (
	operational struct{ m *metrics }
	revenue     struct{ m *metrics }
)

// Describe sends nothing.
func (operational) Describe(chan<- *prometheus.Desc) {}

// Describe sends nothing.
func (revenue) Describe(chan<- *prometheus.Desc) {}

// Collect reads the state now.
func (c operational) Collect(ch chan<- prometheus.Metric) {
	s := c.m.srv
	st := s.adminState(false)
	for _, ss := range st.Streams {
		live := 0.0
		if ss.Live {
			live = 1
		}
		ch <- prometheus.MustNewConstMetric(mLive, prometheus.GaugeValue, live, ss.Name, ss.Protocol)
		ch <- prometheus.MustNewConstMetric(mSegs, prometheus.CounterValue, float64(ss.Segments), ss.Name)
		ch <- prometheus.MustNewConstMetric(mByte, prometheus.CounterValue, float64(ss.Bytes), ss.Name)
		ch <- prometheus.MustNewConstMetric(mVOD, prometheus.CounterValue, float64(s.origin.VODSegmentsServed(ss.Name)), ss.Name)
		for _, r := range ss.Renditions {
			ch <- prometheus.MustNewConstMetric(mRate, prometheus.GaugeValue, float64(r.Bandwidth), ss.Name, r.Name)
		}
		ch <- prometheus.MustNewConstMetric(mView, prometheus.GaugeValue, float64(ss.Viewers), ss.Name)
		if s.pay != nil {
			ch <- prometheus.MustNewConstMetric(m402, prometheus.CounterValue, float64(ss.PaymentRequired), ss.Name)
		}
	}
	if s.pay == nil {
		return
	}
	for reason, n := range st.Refused {
		ch <- prometheus.MustNewConstMetric(mRef, prometheus.CounterValue, float64(n), reason)
	}
	cs := s.pay.ledger.CommitStats()
	ch <- prometheus.MustNewConstMetric(mCmts, prometheus.CounterValue, float64(cs.Commits))
	ch <- prometheus.MustNewConstMetric(mChgs, prometheus.CounterValue, float64(cs.Changes))
	ch <- prometheus.MustNewConstMetric(mWait, prometheus.CounterValue, cs.Wait.Seconds())
	ch <- prometheus.MustNewConstMetric(mSync, prometheus.CounterValue, cs.Sync.Seconds())
	ws := s.pay.watcher.Status()
	ch <- prometheus.MustNewConstMetric(mHead, prometheus.GaugeValue, float64(ws.Confirmed))
	ch <- prometheus.MustNewConstMetric(mFail, prometheus.GaugeValue, float64(ws.Failures))
}

// Collect reads the money now.
func (c revenue) Collect(ch chan<- prometheus.Metric) {
	s := c.m.srv
	if s.pay == nil {
		return
	}
	st := s.adminState(false)
	for _, ss := range st.Streams {
		ch <- prometheus.MustNewConstMetric(mAcc, prometheus.CounterValue, float64(ss.Vouchers), ss.Name)
		ch <- prometheus.MustNewConstMetric(mPaid, prometheus.CounterValue, weiFloat(ss.Paid), ss.Name)
		ch <- prometheus.MustNewConstMetric(mSpnt, prometheus.CounterValue, weiFloat(ss.Spent), ss.Name)
		ch <- prometheus.MustNewConstMetric(mTips, prometheus.CounterValue, weiFloat(ss.Tips), ss.Name)
	}
	states := map[string]float64{"settled": 0, "owed": 0, "unpaid": 0, "reclaimed": 0}
	claimed, owed := new(big.Int), new(big.Int)
	for _, c := range st.Channels {
		states[c.Settlement]++
		cl, _ := new(big.Int).SetString(c.Claimed, 10)
		claimed.Add(claimed, cl)
		if c.Settlement == "owed" {
			best, _ := new(big.Int).SetString(c.Best, 10)
			owed.Add(owed, best.Sub(best, cl))
		}
	}
	for state, n := range states {
		ch <- prometheus.MustNewConstMetric(mChan, prometheus.GaugeValue, n, state)
	}
	ch <- prometheus.MustNewConstMetric(mClmd, prometheus.GaugeValue, bigFloat(claimed))
	ch <- prometheus.MustNewConstMetric(mOwed, prometheus.GaugeValue, bigFloat(owed))
}

// weiFloat is a decimal wei amount as a float, as Prometheus keeps
// values (exact up to 2^53 wei, about 0.009 ETH; close beyond).
func weiFloat(dec string) float64 {
	v, ok := new(big.Int).SetString(dec, 10)
	if !ok {
		return 0
	}
	return bigFloat(v)
}

func bigFloat(v *big.Int) float64 {
	f, _ := new(big.Float).SetInt(v).Float64()
	return f
}
