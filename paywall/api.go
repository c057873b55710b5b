package paywall

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
)

// Register adds the paying API:
//
//	GET  /pay/{stream}/terms     the price and where to pay; ?signer= adds that key's channels
//	POST /pay/{stream}/session   a voucher in, a session token out
//	POST /pay/{stream}/voucher   a larger voucher for an open session
//	POST /pay/{stream}/tip       a larger voucher whose increase is a tip
func (g *Gate) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /pay/{stream}/terms", cors(g.terms))
	mux.HandleFunc("POST /pay/{stream}/session", cors(g.session))
	mux.HandleFunc("POST /pay/{stream}/voucher", cors(func(w http.ResponseWriter, r *http.Request) {
		g.raise(w, r, func(ctx context.Context, v *chain.Voucher) (Account, error) {
			return g.Cashier.Accept(ctx, v, r.PathValue("stream"))
		})
	}))
	mux.HandleFunc("POST /pay/{stream}/tip", cors(func(w http.ResponseWriter, r *http.Request) {
		g.raise(w, r, func(ctx context.Context, v *chain.Voucher) (Account, error) {
			return g.Cashier.AcceptTip(ctx, v, r.PathValue("stream"))
		})
	}))
	mux.HandleFunc("OPTIONS /pay/", cors(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		w.Header().Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	}))
}

func cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		h(w, r)
	}
}

// voucherJSON is the protocol's voucher.
type voucherJSON struct {
	Channel   string `json:"channel"`
	Amount    string `json:"amount"`
	Signature string `json:"signature"`
}

// sessionJSON answers both endpoints.
type sessionJSON struct {
	Token          string `json:"token"`
	Expires        string `json:"expires"`
	Channel        string `json:"channel"`
	Paid           string `json:"paid"`
	Spent          string `json:"spent"`
	PricePerSecond string `json:"pricePerSecond"`
	Tips           string `json:"tips,omitempty"` // this channel's tips to this stream, after a tip
}

// requestVoucher reads the voucher a request's body carries, or answers
// the refusal and returns false.
func (g *Gate) requestVoucher(w http.ResponseWriter, r *http.Request) (*chain.Voucher, bool) {
	v, err := decodeVoucher(http.MaxBytesReader(w, r.Body, maxVoucherBody))
	if err != nil {
		g.refused(w, err)
		return nil, false
	}
	return v, true
}

// maxVoucherBody bounds a voucher's JSON: its three fields take under 300
// bytes.
const maxVoucherBody = 4096

// decodeVoucher reads the protocol's voucher JSON: one object with the
// three fields and nothing else.
func decodeVoucher(body io.Reader) (*chain.Voucher, error) {
	var vj voucherJSON
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&vj); err != nil {
		return nil, refuse(http.StatusBadRequest, "malformed", err,
			`malformed request: want {"channel":"0x…","amount":"<wei>","signature":"0x…"} (%v)`, err)
	}
	return parseVoucher(vj.Channel, vj.Amount, vj.Signature)
}

// session opens a session: the voucher proves the caller holds the
// channel's signing key and pays in the credit the session spends.
func (g *Gate) session(w http.ResponseWriter, r *http.Request) {
	stream := r.PathValue("stream")
	terms, ok := g.Streams[stream]
	if !ok {
		writeRefusal(w, refuse(http.StatusNotFound, "unknown_stream", nil, "stream %q is unknown or free: no session needed", stream))
		return
	}
	if st := g.Cashier.Channels.Status(); st.Err != nil {
		writeRefusal(w, refuse(http.StatusServiceUnavailable, "chain_unreachable", ErrChainDown,
			"the chain cannot be read right now (%v): open sessions keep playing, new ones must wait; try again shortly", st.Err))
		return
	}
	v, ok := g.requestVoucher(w, r)
	if !ok {
		return
	}
	party := g.hostParty(r)
	if ok, wait := g.Limiter.Attempt(party); !ok {
		writeRefusal(w, tooMany(wait))
		return
	}
	acc, err := g.Cashier.Accept(r.Context(), v, stream)
	g.Limiter.End(r.Context(), party, forged(err))
	if err != nil {
		g.refused(w, err)
		return
	}
	g.issue(w, stream, terms, acc, NewSessionID())
}

// raise takes a larger voucher for an open session (a top-up, or a tip,
// as accept records it) and renews the session's token.
func (g *Gate) raise(w http.ResponseWriter, r *http.Request, accept func(context.Context, *chain.Voucher) (Account, error)) {
	stream := r.PathValue("stream")
	terms, ok := g.Streams[stream]
	if !ok {
		writeRefusal(w, refuse(http.StatusNotFound, "unknown_stream", nil, "stream %q is unknown or free", stream))
		return
	}
	claims, err := g.Sessions.Parse(token(r), stream)
	switch {
	case errors.Is(err, ErrNoToken):
		writeRefusal(w, refuse(http.StatusUnauthorized, "no_token", err, "send the session token: Authorization: Bearer <token>"))
		return
	case errors.Is(err, ErrOtherStream):
		writeRefusal(w, refuse(http.StatusForbidden, "other_stream", err, "this session is for another stream"))
		return
	case err != nil:
		writeRefusal(w, refuse(http.StatusUnauthorized, "bad_token", err, "%v: open a new session", err))
		return
	}
	// A valid token: failures count against its channel, not the
	// address, so whoever else shares the address cannot lock it out.
	v, ok := g.requestVoucher(w, r)
	if !ok {
		return
	}
	if v.Channel != claims.ChannelID() {
		g.refused(w, refuse(http.StatusForbidden, "other_channel", nil, "the voucher is for another channel than the session's"))
		return
	}
	party := channelParty(claims.ChannelID())
	if ok, wait := g.Limiter.Attempt(party); !ok {
		writeRefusal(w, tooMany(wait))
		return
	}
	acc, err := accept(r.Context(), v)
	g.Limiter.End(r.Context(), party, forged(err))
	if err != nil {
		g.refused(w, err)
		return
	}
	g.issue(w, stream, terms, acc, claims.Session)
}

func (g *Gate) issue(w http.ResponseWriter, stream string, terms Terms, acc Account, session string) {
	ch := acc.Best.Channel
	tok, exp, err := g.Sessions.Issue(stream, ch, session)
	if err != nil {
		writeRefusal(w, refuse(http.StatusInternalServerError, "internal", err, "cannot issue a token: %v", err))
		return
	}
	g.Stats.voucherAccepted(stream)
	out := sessionJSON{
		Token: tok, Expires: exp.UTC().Format(time.RFC3339), Channel: ch.Hex(),
		Paid: acc.Paid().String(), Spent: acc.Spent.String(), PricePerSecond: terms.PricePerSecond.String(),
	}
	if m, ok := acc.Streams[stream]; ok && m.Tips.Sign() > 0 {
		out.Tips = m.Tips.String()
	}
	writeJSON(w, http.StatusOK, out)
}

// Directory lists the channels the chain watcher knows (chain.Watcher),
// so a page holding only a signing key can find its channel.
type Directory interface {
	Channels() []chain.ChannelState
}

// termsJSON is what a player needs before it pays: the price, the
// EIP-712 domain it signs in, and the channels its key signs for.
type termsJSON struct {
	Stream         string        `json:"stream"`
	PricePerSecond string        `json:"pricePerSecond"`
	PreviewSeconds int           `json:"previewSeconds"`
	Payee          string        `json:"payee"`
	Contract       string        `json:"contract"`
	ChainID        string        `json:"chainId"`
	Domain         any           `json:"domain"`
	Channels       []channelJSON `json:"channels"`
}

type channelJSON struct {
	Channel string `json:"channel"`
	Funder  string `json:"funder"`
	Deposit string `json:"deposit"`
	Expiry  string `json:"expiry"`
	Paid    string `json:"paid"`
	Spent   string `json:"spent"`
}

// terms answers GET /pay/{stream}/terms[?signer=0x…[&channel=0x…]]. A
// free or unknown stream is 404, as for a session. The channels listed
// are the signer's (and the one named, if the signer signs for it) that
// pay this server, are confirmed and are not about to expire.
func (g *Gate) terms(w http.ResponseWriter, r *http.Request) {
	stream := r.PathValue("stream")
	terms, ok := g.Streams[stream]
	if !ok {
		writeRefusal(w, refuse(http.StatusNotFound, "unknown_stream", nil, "stream %q is unknown or free: watch it without paying", stream))
		return
	}
	out := termsJSON{
		Stream: stream, PricePerSecond: terms.PricePerSecond.String(), PreviewSeconds: int(terms.Preview.Seconds()),
		Payee: g.Payee.Hex(), Contract: g.Domain.Contract.Hex(), ChainID: g.Domain.ChainID.String(),
		Domain:   g.domainJSON(),
		Channels: []channelJSON{},
	}
	q := r.URL.Query()
	var signer *common.Address
	if v := q.Get("signer"); v != "" {
		if !common.IsHexAddress(v) {
			writeRefusal(w, refuse(http.StatusBadRequest, "malformed", nil, "signer must be an address: 0x and 40 hex digits"))
			return
		}
		a := common.HexToAddress(v)
		signer = &a
	}
	var known []chain.ChannelState
	if g.Directory != nil && signer != nil {
		known = g.Directory.Channels()
	}
	// A channel opened before the server started watching is not in the
	// directory: a link that names its channel (and its signer) gets it
	// read from the chain. Each read costs an RPC call: ids that name no
	// channel count against the client's host in Lookups, a budget of its
	// own and without a delay, since the watch page asks again and again
	// for a channel that is still being confirmed.
	if v := q.Get("channel"); v != "" && signer != nil {
		if !isHash(v) {
			writeRefusal(w, refuse(http.StatusBadRequest, "malformed", nil, "channel must be 0x and 64 hex digits"))
			return
		}
		party := g.hostParty(r)
		if ok, wait := g.Lookups.Attempt(party); !ok {
			writeRefusal(w, refuse(http.StatusTooManyRequests, "too_many_lookups", nil,
				"too many channel ids that name no channel from this address: wait %v", wait.Round(time.Second)))
			return
		}
		ch, err := g.Cashier.Channels.Load(r.Context(), common.HexToHash(v))
		g.Lookups.End(r.Context(), party, errors.Is(err, chain.ErrUnknown))
		switch {
		case errors.Is(err, chain.ErrUnknown):
		case err != nil:
			writeRefusal(w, refuse(http.StatusServiceUnavailable, "chain_unreachable", ErrChainDown, "cannot read the channel from the chain: %v", err))
			return
		case ch.Signer == *signer:
			known = append(known, ch)
		}
	}
	out.Channels = g.usable(known, signer)
	writeJSON(w, http.StatusOK, out)
}

// usable keeps the channels signer signs for (any, when nil) that pay
// this server and are not expiring, once each.
func (g *Gate) usable(chs []chain.ChannelState, signer *common.Address) []channelJSON {
	out := []channelJSON{}
	now := g.Cashier.now()
	seen := map[common.Hash]bool{}
	for _, ch := range chs {
		if seen[ch.ID] || (signer != nil && ch.Signer != *signer) || ch.Payee != g.Payee || ch.Reclaimed ||
			!now.Before(ch.Expiry.Add(-g.Cashier.Margin)) {
			continue
		}
		seen[ch.ID] = true
		acc := g.Ledger.Account(ch.ID)
		out = append(out, channelJSON{
			Channel: ch.ID.Hex(), Funder: ch.Funder.Hex(), Deposit: ch.Deposit.String(),
			Expiry: ch.Expiry.UTC().Format(time.RFC3339), Paid: acc.Paid().String(), Spent: acc.Spent.String(),
		})
	}
	return out
}
