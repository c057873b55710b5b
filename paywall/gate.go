package paywall

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"math/bits"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/internal/clientaddr"
)

// Terms are what a stream costs.
type Terms struct {
	PricePerSecond *big.Int      // the token's smallest unit (wei for ETH) per second of media
	Preview        time.Duration // free media per channel
	Token          Asset         // what the price is in: ETH unless set
}

// Asset is what a stream is priced in and its channels pay in: an ERC-20
// token (a stablecoin, say), or ETH when Address is zero. Symbol and
// Decimals are for people: amounts on the wire are in the smallest unit.
type Asset struct {
	Address  common.Address
	Symbol   string
	Decimals uint8
}

// ETH is the asset of a stream priced in ether.
var ETH = Asset{Symbol: "ETH", Decimals: 18}

// Or is a, or ETH when a names no token.
func (a Asset) Or() Asset {
	if a.Address == (common.Address{}) {
		return ETH
	}
	return a
}

func (t Terms) free() bool { return t.PricePerSecond == nil || t.PricePerSecond.Sign() == 0 }

// Price is what a segment of d costs: its duration times the rate,
// rounded up to the next wei.
func (t Terms) Price(d time.Duration) *big.Int {
	if t.free() {
		return new(big.Int)
	}
	// In 64 bits when it fits, as it does for any sane price: a paid
	// segment's every request asks.
	if t.PricePerSecond.IsUint64() && d >= 0 {
		hi, lo := bits.Mul64(t.PricePerSecond.Uint64(), uint64(d))
		if hi < uint64(time.Second) {
			q, r := bits.Div64(hi, lo, uint64(time.Second))
			if r == 0 {
				return new(big.Int).SetUint64(q)
			} else if q < math.MaxUint64 {
				return new(big.Int).SetUint64(q + 1)
			}
		}
	}
	p := new(big.Int).Mul(t.PricePerSecond, big.NewInt(int64(d)))
	q, r := p.QuoRem(p, big.NewInt(int64(time.Second)), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// Segment names what a request buys: the key to one segment of a
// stream's recording (or, for a recording made before keys were sold, the
// segment itself).
type Segment struct {
	Stream    string
	Recording string
	Seq       uint64
	Duration  time.Duration
	// Provisional: the segment is still being cut and Duration is its
	// target; the gate refunds the difference if it ends shorter
	// (provisional.go).
	Provisional bool
}

// item is what a charge for the segment buys: its seconds of the
// recording, in any rendition (renditions share the source's numbers,
// durations and keys), live or replayed (a recording's keys are its live
// keys).
func (s Segment) item() Item {
	return Item{Stream: s.Stream, Recording: s.Recording, Seq: s.Seq}
}

// Gate charges segments of priced streams to sessions. Free streams pass.
type Gate struct {
	Streams  map[string]Terms
	Sessions *Sessions
	Ledger   Ledger
	Cashier  *Cashier
	Limiter  *Limiter
	// Lookups limits reads from the chain for channel ids that name no
	// channel (GET /pay/{stream}/terms?channel=); nil: no limit.
	Lookups *Limiter
	// Clients finds a request's client (behind trusted proxies, the
	// forwarded address): charging, previews and limits go by it.
	Clients *clientaddr.Resolver
	Domain  *chain.Domain // chain id and contract, for the 402 answer
	Payee   common.Address
	Logger  *slog.Logger
	// Directory, when set, lets GET /pay/{stream}/terms list a signer's
	// channels.
	Directory Directory
	// Stats counts the answers.
	Stats Stats
	// Admitted, when set, hears of every segment let through and who
	// asked: "session:ID@NET" on a paid stream, "net:NET" on a free one,
	// NET being the viewer's client network. The audience counts viewers
	// with it, without parsing the token again.
	Admitted func(stream, viewer string)

	previews    previews
	provisional provisionals
}

// client is the request's client address.
func (g *Gate) client(r *http.Request) netip.Addr { return g.Clients.Of(r) }

// hostParty is who a failure without a session counts against: the
// client's host (an IPv6 client by its /64).
func (g *Gate) hostParty(r *http.Request) string {
	return "host:" + clientaddr.Host(g.client(r)).String()
}

// channelParty is who a failure with a valid session counts against: its
// channel, so others at the same address are not locked out with it.
func channelParty(ch common.Hash) string { return "ch:" + ch.Hex() }

// token finds a session token: ?token= or Authorization: Bearer.
func token(r *http.Request) string {
	if t := queryToken(r.URL.RawQuery); t != "" {
		return t
	}
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

// queryToken is url.ParseQuery(query).Get("token"), without building the
// map of every parameter (a paid segment's every request carries one),
// and without ParseQuery's limit on the number of parameters.
func queryToken(query string) string {
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if pair == "" || strings.Contains(pair, ";") { // ParseQuery skips these
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		if key, err := url.QueryUnescape(key); err != nil || key != "token" {
			continue
		}
		if value, err := url.QueryUnescape(value); err == nil {
			return value
		}
	}
	return ""
}

// Admit charges a segment's key to the request's session, or answers 402
// (no token, not enough credit), 401 (a bad or expired token), 403
// (another stream's token). HEAD is charged like GET. A session pays for
// a key once per viewer (client network), however many times that viewer
// fetches it: a token shared with another network pays again for what
// that viewer watches. A free stream's segments pass, counted.
func (g *Gate) Admit(w http.ResponseWriter, r *http.Request, seg Segment) bool {
	terms, ok := g.Streams[seg.Stream]
	viewer := clientaddr.Viewer(g.client(r)).String()
	if !ok || (terms.free() && terms.Preview == 0) {
		if g.Admitted != nil {
			g.Admitted(seg.Stream, "net:"+viewer)
		}
		return true
	}
	price := terms.Price(seg.Duration)
	h := w.Header()
	h.Set(hdrPrice, decimal(price))
	claims, ok := g.sessionOf(w, r, seg.Stream, terms, price, "payment required")
	if !ok {
		return false
	}
	ch := claims.ChannelID()
	h.Set(hdrChannel, ch.Hex())
	v, err := g.requestVoucherHeader(r)
	if err == nil && v != nil {
		err = g.headerVoucher(r, seg.Stream, ch, v)
	}
	if err != nil {
		g.refusedSelling(w, r, seg.Stream, price, &ch, err)
		return false
	}
	// A free preview is the viewer's, once per stream, whatever channels
	// it opens: reserved from what the viewer has left before the charge
	// (so parallel requests on many channels cannot each find it unused),
	// then granted by the ledger as far as the channel's own allowance
	// goes (Charge.Preview).
	var pv string
	var preview time.Duration
	if terms.Preview > 0 {
		if pv = viewer + "/" + seg.Stream; g.previews.reserve(pv, terms.Preview, seg.Duration) {
			preview = terms.Preview
		}
	}
	session := claims.Session + "@" + viewer // what a charge is once per
	rc, err := g.Ledger.Charge(r.Context(), Charge{
		Channel: ch, Session: session, Item: seg.item(),
		Price: price, Duration: seg.Duration, Preview: preview,
	})
	if preview > 0 && (err != nil || !rc.Free || rc.Already) {
		g.previews.release(pv, seg.Duration)
	}
	switch {
	case errors.Is(err, ErrInsufficientCredit):
		g.paymentRequired(w, r, seg.Stream, terms, price, &ch, &rc,
			fmt.Sprintf("insufficient credit: this segment costs %s wei and %s wei is left: send a larger voucher",
				price, new(big.Int).Sub(rc.Paid, rc.Spent)))
		return false
	case err != nil:
		g.Logger.Error("paywall: charge failed", "channel", ch, "err", err)
		writeRefusal(w, fmt.Errorf("%w: cannot record the charge; try again", ErrLedgerUnavailable))
		return false
	}
	if seg.Provisional && !rc.Free && !rc.Already && rc.Price.Sign() > 0 {
		g.chargedProvisionally(seg.item(), provisional{ch: ch, session: session, price: rc.Price, at: time.Now()})
	}
	h.Set(hdrPaid, decimal(rc.Paid))
	h.Set(hdrSpent, decimal(rc.Spent))
	if v != nil {
		g.setPaymentResponse(w, r, ch, rc.Price, rc.Paid, rc.Spent)
	}
	if g.Admitted != nil {
		g.Admitted(seg.Stream, "session:"+session)
	}
	return true
}

// Check admits a segment of a stream that releases its bytes to sessions
// only (segments: token): a valid token for the stream, and nothing
// charged, since its key is what is paid. Refusals are answered as Admit
// answers them.
func (g *Gate) Check(w http.ResponseWriter, r *http.Request, stream string) bool {
	terms, ok := g.Streams[stream]
	if !ok || terms.free() {
		return true
	}
	_, ok = g.sessionOf(w, r, stream, terms, new(big.Int), "this stream's segments need a session")
	return ok
}

// sessionOf reads the request's session token for stream, or answers: 402
// without one (why, then how to open one), 401 for a bad or expired one,
// 403 for another stream's.
func (g *Gate) sessionOf(w http.ResponseWriter, r *http.Request, stream string, terms Terms, price *big.Int, why string) (*Claims, bool) {
	claims, err := g.Sessions.Parse(token(r), stream)
	switch {
	case errors.Is(err, ErrNoToken):
		g.paymentRequired(w, r, stream, terms, price, nil, nil, why+": open a session with a voucher at POST /pay/"+stream+"/session")
		return nil, false
	case err != nil:
		writeRefusal(w, err)
		return nil, false
	}
	// A session pays in its channel's asset: one opened before the stream
	// was priced in another (a config change, another node's config) buys
	// nothing more, or ETH credit would buy token-priced segments.
	if ch, err := g.Cashier.Channels.Load(r.Context(), claims.ChannelID()); err == nil && ch.Token != terms.Token.Address {
		writeRefusal(w, fmt.Errorf("%w: this session's channel pays in %s, the stream is now priced in %s: open a session with a channel in it",
			ErrWrongToken, ch.Token, terms.Token.Address))
		return nil, false
	}
	return claims, true
}

// headerVoucher applies a voucher sent in a header (Livegate-Voucher or
// PAYMENT-SIGNATURE, requestVoucherHeader) for the session's channel ch.
// Sending the best voucher again is harmless and ignored: a player may
// attach it to several requests before it learns it was taken. A refusal
// is the cashier's error, or the gate's (api.go answers them).
func (g *Gate) headerVoucher(r *http.Request, stream string, ch common.Hash, v *chain.Voucher) error {
	if v.Channel != ch {
		return errOtherChannel
	}
	if best, ok := g.Ledger.Best(ch); ok && best.Amount.Cmp(v.Amount) == 0 && bytes.Equal(best.Signature, v.Signature) {
		return nil
	}
	party := channelParty(ch)
	if ok, wait := g.Limiter.Attempt(party); !ok {
		return tooMany(wait)
	}
	_, err := g.Cashier.Accept(r.Context(), v, stream)
	g.Limiter.End(r.Context(), party, forged(err))
	if err == nil {
		g.Stats.voucherAccepted(stream)
	}
	return err
}

// parseVoucherHeader reads Livegate-Voucher: channel:amount:signature.
func parseVoucherHeader(value string) (*chain.Voucher, error) {
	ch, rest, ok1 := strings.Cut(value, ":")
	amount, sig, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || strings.Contains(sig, ":") {
		return nil, fmt.Errorf("%w: Livegate-Voucher must be channel:amount:signature", ErrMalformedVoucher)
	}
	return parseVoucher(ch, amount, sig)
}

// PlaylistArgs is what every URI of a playlist gets when the playlist was
// fetched with a valid session token: the token itself, renewed when it
// is past half its life (or expired less than RenewWithin ago: players
// reload a playlist by its first URL), so players that send no headers
// (Safari, VLC) carry a live token to every segment.
func (g *Gate) PlaylistArgs(r *http.Request, stream string) string {
	if _, ok := g.Streams[stream]; !ok {
		return ""
	}
	tok := token(r)
	claims, err := g.Sessions.Renewable(tok, stream)
	if err != nil {
		return ""
	}
	if !g.Sessions.Fresh(claims) {
		if t, _, err := g.Sessions.Issue(stream, claims.ChannelID(), claims.Session); err == nil {
			tok = t
		}
	}
	return "token=" + url.QueryEscape(tok)
}
