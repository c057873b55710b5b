package main

import (
	"crypto/subtle"
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/internal/clientaddr"
	"github.com/livegate/livegate/paywall"
)

// adminAuthorized checks the admin token (admin.token in the config; dev
// prints it); with no token configured nothing is authorized. A wrong
// token (not a missing one: a page asks without one first) is answered
// after a delay and counted against the client's host, which is turned
// away for a while after a few: tokens cannot be guessed at line rate.
func (s *server) adminAuthorized(w http.ResponseWriter, r *http.Request) bool {
	got := r.Header.Get("Authorization")
	party := "host:" + clientaddr.Host(s.clients.Of(r)).String()
	deny := func(status int, reason, msg string) bool {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "reason": reason})
		return false
	}
	if ok, wait := s.adminLim.Attempt(party); !ok {
		return deny(http.StatusTooManyRequests, "too_many_refused",
			"too many wrong admin tokens from this address: wait "+wait.Round(time.Second).String())
	}
	right := s.cfg.Admin.Token != "" && subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+s.cfg.Admin.Token)) == 1
	wrong := !right && got != "" && s.cfg.Admin.Token != ""
	s.adminLim.End(r.Context(), party, wrong)
	if !right {
		if wrong {
			s.log.Warn("admin: wrong token", "remote", r.RemoteAddr, "client", s.clients.Of(r))
		}
		return deny(http.StatusUnauthorized, "no_admin_token", "admin token required: Authorization: Bearer <admin.token>")
	}
	return true
}

// adminState is GET /admin/state, what the dashboard shows: every
// stream (live or not, how it is published, its renditions, viewers and
// money), every paying channel and its settlement, and the recordings.
type adminState struct {
	Time     time.Time         `json:"time"`
	Streams  []streamState     `json:"streams"`
	Channels []channelState    `json:"channels"`
	Refused  map[string]uint64 `json:"refused"` // voucher refusals by reason
	Chain    map[string]any    `json:"chain,omitempty"`
}

type streamState struct {
	Name            string                 `json:"name"`
	Live            bool                   `json:"live"`
	Protocol        string                 `json:"protocol"`
	Bitrate         int                    `json:"bitrate"` // the source's, bits per second
	Segments        uint64                 `json:"segments"`
	Bytes           uint64                 `json:"bytes"` // source segment bytes since the server started
	Renditions      []hls.RenditionStatus  `json:"renditions"`
	Viewers         int                    `json:"viewers"`
	PricePerSecond  string                 `json:"pricePerSecond"`
	Token           tokenState             `json:"token"` // what the price and the sums are in
	Paid            string                 `json:"paid"`
	Spent           string                 `json:"spent"`
	Tips            string                 `json:"tips"`
	PaymentRequired uint64                 `json:"paymentRequired"` // 402 answers
	Vouchers        uint64                 `json:"vouchers"`        // accepted
	Recordings      []hls.RecordingSummary `json:"recordings"`
	// LowLatency: the stream has low-latency playlists (its index.m3u8 is
	// the low-latency master), with parts of Part seconds; otherwise it
	// has MPEG-TS playlists only (Part 0).
	LowLatency bool    `json:"lowLatency"`
	Part       float64 `json:"part"`
}

// tokenState is an asset for people: amounts are in its smallest unit.
type tokenState struct {
	Address  string `json:"address"` // the zero address: ETH
	Symbol   string `json:"symbol"`
	Decimals uint8  `json:"decimals"`
}

func tokenOf(a paywall.Asset) tokenState {
	a = a.Or()
	return tokenState{Address: a.Address.Hex(), Symbol: a.Symbol, Decimals: a.Decimals}
}

type channelState struct {
	Channel   string     `json:"channel"`
	Token     tokenState `json:"token"`
	Funder    string     `json:"funder"`
	Signer    string     `json:"signer"`
	Deposit   string     `json:"deposit"`
	Best      string     `json:"best"` // the best voucher held
	Spent     string     `json:"spent"`
	Claimed   string     `json:"claimed"`
	Expiry    time.Time  `json:"expiry"`
	Reclaimed bool       `json:"reclaimed"`
	// Settlement: "settled" (claimed all the best voucher gives),
	// "owed" (a voucher above what was claimed), "unpaid" (no voucher),
	// "reclaimed" (expired and emptied by the funder).
	Settlement string `json:"settlement"`
}

func (s *server) adminStateHandler(w http.ResponseWriter, r *http.Request) {
	if !s.adminAuthorized(w, r) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(s.adminState(true))
}

// adminState gathers the state; the recordings (a walk of the archive)
// only when asked, since the metrics do not show them.
func (s *server) adminState(recordings bool) adminState {
	out := adminState{Time: time.Now().UTC(), Refused: map[string]uint64{}}
	viewers := s.audience.counts()
	money := map[string]*paywall.Money{}
	var stats paywall.StatsSnapshot
	if s.pay != nil {
		stats = s.pay.gate.Stats.Snapshot()
		if stats.Refused != nil {
			out.Refused = stats.Refused
		}
		out.Channels, money = s.pay.channelStates()
		out.Chain = s.pay.status()
	}
	for _, sc := range s.cfg.Streams {
		st := s.streams[sc.Name].Status()
		ss := streamState{
			Name: sc.Name, Live: st.Live, Protocol: st.Protocol, Segments: st.Segments, Bytes: st.Bytes, Renditions: st.Renditions,
			Viewers: viewers[sc.Name], PricePerSecond: sc.terms().PricePerSecond.String(), Token: tokenOf(paywall.ETH),
			Paid: "0", Spent: "0", Tips: "0",
			PaymentRequired: stats.PaymentRequired[sc.Name], Vouchers: stats.Accepted[sc.Name],
			Recordings: []hls.RecordingSummary{},
			LowLatency: st.LowLatency, Part: st.Part.Seconds(),
		}
		if ss.Renditions == nil {
			ss.Renditions = []hls.RenditionStatus{}
		}
		for _, rd := range st.Renditions {
			if rd.Name == hls.SourceRendition {
				ss.Bitrate = rd.Bandwidth
			}
		}
		if s.pay != nil {
			if t, ok := s.pay.gate.Streams[sc.Name]; ok {
				ss.Token = tokenOf(t.Token)
			}
		}
		if m := money[sc.Name]; m != nil {
			ss.Paid, ss.Spent, ss.Tips = m.Paid.String(), m.Spent.String(), m.Tips.String()
		}
		if recordings {
			for _, rec := range s.archive.Recordings(sc.Name) {
				ss.Recordings = append(ss.Recordings, rec.Summary())
			}
			slices.Reverse(ss.Recordings) // newest first
		}
		out.Streams = append(out.Streams, ss)
	}
	return out
}

// channelStates lists the channels holding a voucher, with what the chain
// says of them, and adds up the money per stream.
func (p *payments) channelStates() ([]channelState, map[string]*paywall.Money) {
	out := []channelState{}
	assets := map[common.Address]paywall.Asset{}
	for _, t := range p.gate.Streams {
		assets[t.Token.Address] = t.Token.Or()
	}
	for _, id := range p.ledger.Paying() {
		acc := p.ledger.Account(id)
		cs := channelState{Channel: id.Hex(), Best: acc.Paid().String(), Spent: acc.Spent.String(), Claimed: "0", Deposit: "0",
			Token: tokenOf(paywall.ETH)}
		var claimed *big.Int
		if ch, ok := p.watcher.Channel(id); ok {
			cs.Funder, cs.Signer, cs.Deposit = ch.Funder.Hex(), ch.Signer.Hex(), ch.Deposit.String()
			a, ok := assets[ch.Token]
			if !ok { // a token no stream is priced in now: its address, no symbol
				a = paywall.Asset{Address: ch.Token, Symbol: ch.Token.Hex()[:10] + "…"}
			}
			cs.Token = tokenOf(a)
			cs.Expiry, cs.Reclaimed = ch.Expiry.UTC(), ch.Reclaimed
			claimed = ch.Claimed
			cs.Claimed = claimed.String()
		}
		cs.Settlement = paywall.Settlement(p.ledger, id, claimed, cs.Reclaimed)
		out = append(out, cs)
	}
	slices.SortFunc(out, func(a, b channelState) int { return b.Expiry.Compare(a.Expiry) })
	return out, paywall.Sums(p.ledger)
}
