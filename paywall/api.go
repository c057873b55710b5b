package paywall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
)

// The paying API, and how the package answers over HTTP: every refusal,
// whoever meets it (the cashier, the gate, a token check), is an error
// wrapping one of the package's sentinels, and answers maps each to its
// status and the reason code clients switch on.

// Register adds the paying API:
//
//	GET  /pay/{stream}/terms     the price and where to pay; ?signer= adds that key's channels
//	POST /pay/{stream}/session   a voucher in, a session token out
//	POST /pay/{stream}/voucher   a larger voucher for an open session
//	POST /pay/{stream}/tip       a larger voucher whose increase is a tip
func (g *Gate) Register(mux *http.ServeMux) {
	// The streams' terms are the one source of what each is priced in:
	// the cashier takes channels in that asset only.
	if g.Cashier != nil {
		g.Cashier.TokenOf = func(stream string) common.Address { return g.Streams[stream].Token.Address }
	}
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
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, "+hdrPaymentSignature)
		w.Header().Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	}))
}

func cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Expose-Headers", hdrPaymentRequired+", "+hdrPaymentResponse)
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

// requestVoucher reads the voucher a request carries: in a
// PAYMENT-SIGNATURE header (x402.go), which an x402 client sends with no
// body, or else in its body. It answers the refusal and returns false.
func (g *Gate) requestVoucher(w http.ResponseWriter, r *http.Request) (*chain.Voucher, bool) {
	var v *chain.Voucher
	var err error
	if r.Header.Get(hdrPaymentSignature) != "" {
		v, err = g.requestVoucherHeader(r)
	} else {
		v, err = decodeVoucher(http.MaxBytesReader(w, r.Body, maxVoucherBody))
	}
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
		return nil, fmt.Errorf(`%w: want {"channel":"0x…","amount":"<wei>","signature":"0x…"} (%w)`, ErrMalformedVoucher, err)
	}
	return parseVoucher(vj.Channel, vj.Amount, vj.Signature)
}

// session opens a session: the voucher proves the caller holds the
// channel's signing key and pays in the credit the session spends.
func (g *Gate) session(w http.ResponseWriter, r *http.Request) {
	stream := r.PathValue("stream")
	terms, ok := g.Streams[stream]
	if !ok {
		writeRefusal(w, fmt.Errorf("%w %q: no session needed", errUnknownStream, stream))
		return
	}
	if st := g.Cashier.Channels.Status(); st.Err != nil {
		writeRefusal(w, fmt.Errorf("%w: the chain cannot be read right now (%w): open sessions keep playing, new ones must wait; try again shortly",
			ErrChainDown, st.Err))
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
		g.refusedSelling(w, r, stream, terms.Price(time.Second), nil, err)
		return
	}
	g.setPaymentResponse(w, r, v.Channel, nil, acc.Paid(), acc.Spent)
	g.issue(w, stream, terms, acc, NewSessionID())
}

// raise takes a larger voucher for an open session (a top-up, or a tip,
// as accept records it) and renews the session's token.
func (g *Gate) raise(w http.ResponseWriter, r *http.Request, accept func(context.Context, *chain.Voucher) (Account, error)) {
	stream := r.PathValue("stream")
	terms, ok := g.Streams[stream]
	if !ok {
		writeRefusal(w, fmt.Errorf("%w %q", errUnknownStream, stream))
		return
	}
	claims, err := g.Sessions.Parse(token(r), stream)
	if err != nil {
		writeRefusal(w, err)
		return
	}
	// A valid token: failures count against its channel, not the
	// address, so whoever else shares the address cannot lock it out.
	v, ok := g.requestVoucher(w, r)
	if !ok {
		return
	}
	if v.Channel != claims.ChannelID() {
		g.refused(w, errOtherChannel)
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
		g.refusedSelling(w, r, stream, terms.Price(time.Second), &v.Channel, err)
		return
	}
	g.setPaymentResponse(w, r, v.Channel, nil, acc.Paid(), acc.Spent)
	g.issue(w, stream, terms, acc, claims.Session)
}

func (g *Gate) issue(w http.ResponseWriter, stream string, terms Terms, acc Account, session string) {
	ch := acc.Best.Channel
	tok, exp, err := g.Sessions.Issue(stream, ch, session)
	if err != nil {
		writeRefusal(w, fmt.Errorf("cannot issue a token: %w", err))
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
	Token          assetJSON     `json:"token"`
	Channels       []channelJSON `json:"channels"`
}

// assetJSON is what a stream's price is in: amounts are in its smallest
// unit, shown to people with its symbol and decimals.
type assetJSON struct {
	Address  string `json:"address"` // the zero address: ETH
	Symbol   string `json:"symbol"`
	Decimals uint8  `json:"decimals"`
}

func assetOf(t Terms) assetJSON {
	a := t.Token.Or()
	return assetJSON{Address: a.Address.Hex(), Symbol: a.Symbol, Decimals: a.Decimals}
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
		writeRefusal(w, fmt.Errorf("%w %q: watch it without paying", errUnknownStream, stream))
		return
	}
	out := termsJSON{
		Stream: stream, PricePerSecond: terms.PricePerSecond.String(), PreviewSeconds: int(terms.Preview.Seconds()),
		Payee: g.Payee.Hex(), Contract: g.Domain.Contract.Hex(), ChainID: g.Domain.ChainID.String(),
		Domain:   g.domainJSON(),
		Token:    assetOf(terms),
		Channels: []channelJSON{},
	}
	q := r.URL.Query()
	var signer *common.Address
	if v := q.Get("signer"); v != "" {
		if !common.IsHexAddress(v) {
			writeRefusal(w, fmt.Errorf("%w: signer must be an address: 0x and 40 hex digits", errMalformed))
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
			writeRefusal(w, fmt.Errorf("%w: channel must be 0x and 64 hex digits", errMalformed))
			return
		}
		party := g.hostParty(r)
		if ok, wait := g.Lookups.Attempt(party); !ok {
			writeRefusal(w, fmt.Errorf("%w: wait %v", errTooManyLookups, wait.Round(time.Second)))
			return
		}
		ch, err := g.Cashier.Channels.Load(r.Context(), common.HexToHash(v))
		g.Lookups.End(r.Context(), party, errors.Is(err, chain.ErrUnknown))
		switch {
		case errors.Is(err, chain.ErrUnknown):
		case err != nil:
			writeRefusal(w, fmt.Errorf("%w: cannot read the channel from the chain: %w", ErrChainDown, err))
			return
		case ch.Signer == *signer:
			known = append(known, ch)
		}
	}
	out.Channels = g.usable(known, signer, terms.Token.Address)
	writeJSON(w, http.StatusOK, out)
}

// usable keeps the channels signer signs for (any, when nil) that pay
// this server in token and are not expiring, once each.
func (g *Gate) usable(chs []chain.ChannelState, signer *common.Address, token common.Address) []channelJSON {
	out := []channelJSON{}
	now := g.Cashier.now()
	seen := map[common.Hash]bool{}
	for _, ch := range chs {
		if seen[ch.ID] || (signer != nil && ch.Signer != *signer) || ch.Payee != g.Payee || ch.Token != token || ch.Reclaimed ||
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

// Headers on paywalled answers.
const (
	hdrPrice    = "Livegate-Price"
	hdrPaid     = "Livegate-Paid"
	hdrSpent    = "Livegate-Spent"
	hdrChannel  = "Livegate-Channel"
	hdrPayee    = "Livegate-Payee"
	hdrContract = "Livegate-Contract"
	hdrChainID  = "Livegate-Chain-Id"
	hdrVoucher  = "Livegate-Voucher"
)

// domainJSON is the EIP-712 domain vouchers are signed in, as wallets
// and ethers take it.
func (g *Gate) domainJSON() map[string]any {
	return map[string]any{
		"name": "livegate", "version": "1", "chainId": g.Domain.ChainID.Uint64(), "verifyingContract": g.Domain.Contract.Hex(),
	}
}

// Refusals only the HTTP side meets.
var (
	errMalformed      = errors.New("malformed request")
	errUnknownStream  = errors.New("unknown or free stream")
	errOtherChannel   = errors.New("the voucher is for another channel than the session's")
	errTooManyRefused = errors.New("too many forged vouchers from this address or for this channel")
	errTooManyLookups = errors.New("too many channel ids that name no channel from this address")
)

// answer is how a refusal is answered: its HTTP status, the reason code
// clients switch on, and (after the error's own text, the message) what
// to do, when the text does not say it.
type answer struct {
	err    error
	status int
	reason string
	hint   string
}

// answers maps refusals to their answers: the first whose err the
// refusal wraps answers it. Anything else is a 500 "internal".
var answers = []answer{
	{ErrMalformedVoucher, http.StatusBadRequest, "malformed", ""},
	{errMalformed, http.StatusBadRequest, "malformed", ""},
	{errUnknownStream, http.StatusNotFound, "unknown_stream", ""},
	{ErrNoToken, http.StatusUnauthorized, "no_token", "send it: Authorization: Bearer <token>"},
	{ErrOtherStream, http.StatusForbidden, "other_stream", ""},
	{ErrBadToken, http.StatusUnauthorized, "bad_token", "open a new session"},
	{errOtherChannel, http.StatusForbidden, "other_channel", ""},
	{errTooManyRefused, http.StatusTooManyRequests, "too_many_refused", ""},
	{errTooManyLookups, http.StatusTooManyRequests, "too_many_lookups", ""},
	{ErrUnknownChannel, http.StatusNotFound, "unknown_channel", ""},
	{chain.ErrBadSignature, http.StatusUnauthorized, "bad_signature", ""},
	{ErrWrongPayee, http.StatusForbidden, "wrong_payee", ""},
	{ErrWrongToken, http.StatusForbidden, "wrong_token", ""},
	{ErrChannelExpiring, http.StatusForbidden, "channel_expiring", ""},
	{ErrNotIncreasing, http.StatusConflict, "not_increasing", ""},
	{ErrAboveDeposit, http.StatusPaymentRequired, "above_deposit", ""},
	{ErrChainDown, http.StatusServiceUnavailable, "chain_unreachable", ""},
	{ErrLedgerUnavailable, http.StatusServiceUnavailable, "ledger_unavailable", ""},
}

var unexpected = answer{status: http.StatusInternalServerError, reason: "internal"}

// answerTo finds a refusal's answer.
func answerTo(err error) *answer {
	for i := range answers {
		if errors.Is(err, answers[i].err) {
			return &answers[i]
		}
	}
	return &unexpected
}

func tooMany(wait time.Duration) error {
	return fmt.Errorf("%w: wait %v", errTooManyRefused, wait.Round(time.Second))
}

// forged says whether a voucher's refusal is a failed authentication,
// which the limiter counts: a signature that does not recover the
// channel's signer, a channel that does not exist. A malformed request, a
// voucher that is merely not larger than the last, or a server-side
// failure is not one.
func forged(err error) bool {
	if err == nil {
		return false
	}
	reason := answerTo(err).reason
	return reason == "bad_signature" || reason == "unknown_channel"
}

// refused answers a refusal and counts it (the limiter has had its say
// already).
func (g *Gate) refused(w http.ResponseWriter, err error) {
	g.Stats.refusal(answerTo(err).reason)
	writeRefusal(w, err)
}

// paymentRequired answers 402 with everything a player needs to pay: the
// price, the channel's state if known, and where and how to sign; in our
// own headers and body, and in x402's PAYMENT-REQUIRED (x402.go).
func (g *Gate) paymentRequired(w http.ResponseWriter, r *http.Request, stream string, terms Terms, price *big.Int, ch *common.Hash, rc *Receipt, msg string) {
	g.Stats.paymentRequired(stream)
	g.setPaymentRequired(w, r, stream, price, ch, rc, msg)
	h := w.Header()
	h.Set(hdrPayee, g.Payee.Hex())
	h.Set(hdrContract, g.Domain.Contract.Hex())
	h.Set(hdrChainID, g.Domain.ChainID.String())
	body := map[string]any{
		"error": msg, "reason": "payment_required", "stream": stream,
		"price": price.String(), "pricePerSecond": terms.PricePerSecond.String(),
		"previewSeconds": int(terms.Preview.Seconds()),
		"payee":          g.Payee.Hex(), "contract": g.Domain.Contract.Hex(), "chainId": g.Domain.ChainID.String(),
		"domain":  g.domainJSON(),
		"session": "/pay/" + stream + "/session", "voucher": "/pay/" + stream + "/voucher",
	}
	if ch != nil {
		body["channel"] = ch.Hex()
	}
	if rc != nil {
		h.Set(hdrPaid, rc.Paid.String())
		h.Set(hdrSpent, rc.Spent.String())
		body["reason"] = "insufficient_credit"
		body["paid"], body["spent"] = rc.Paid.String(), rc.Spent.String()
	}
	writeJSON(w, http.StatusPaymentRequired, body)
}

// writeRefusal answers a refusal, uncounted: {"error": message, "reason": code}.
func writeRefusal(w http.ResponseWriter, err error) {
	a := answerTo(err)
	msg := err.Error()
	if a.hint != "" {
		msg += ": " + a.hint
	}
	writeJSON(w, a.status, map[string]string{"error": msg, "reason": a.reason})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
