package paywall

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/livegate/livegate/chain"
)

// Register adds the paying API:
//
//	POST /pay/{stream}/session   a voucher in, a session token out
//	POST /pay/{stream}/voucher   a larger voucher for an open session
func (g *Gate) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /pay/{stream}/session", cors(g.session))
	mux.HandleFunc("POST /pay/{stream}/voucher", cors(g.voucher))
	mux.HandleFunc("OPTIONS /pay/", cors(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
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
}

// requestVoucher reads the voucher a request's body carries, or answers
// the refusal and returns false.
func (g *Gate) requestVoucher(w http.ResponseWriter, r *http.Request) (*chain.Voucher, bool) {
	var vj voucherJSON
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&vj); err != nil {
		g.refused(w, r, refuse(http.StatusBadRequest, "malformed", err,
			`malformed request: want {"channel":"0x…","amount":"<wei>","signature":"0x…"} (%v)`, err))
		return nil, false
	}
	v, err := parseVoucher(vj.Channel, vj.Amount, vj.Signature)
	if err != nil {
		g.refused(w, r, err)
		return nil, false
	}
	return v, true
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
	if blocked, wait := g.Limiter.Blocked(r); blocked {
		writeRefusal(w, tooMany(wait))
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
	acc, err := g.Cashier.Accept(r.Context(), v)
	if err != nil {
		g.refused(w, r, err)
		return
	}
	g.issue(w, stream, terms, acc, NewSessionID())
}

// voucher tops up the credit of an open session and renews its token.
func (g *Gate) voucher(w http.ResponseWriter, r *http.Request) {
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
	if blocked, wait := g.Limiter.Blocked(r); blocked {
		writeRefusal(w, tooMany(wait))
		return
	}
	v, ok := g.requestVoucher(w, r)
	if !ok {
		return
	}
	if v.Channel != claims.ChannelID() {
		g.refused(w, r, refuse(http.StatusForbidden, "other_channel", nil, "the voucher is for another channel than the session's"))
		return
	}
	acc, err := g.Cashier.Accept(r.Context(), v)
	if err != nil {
		g.refused(w, r, err)
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
	writeJSON(w, http.StatusOK, sessionJSON{
		Token: tok, Expires: exp.UTC().Format(time.RFC3339), Channel: ch.Hex(),
		Paid: acc.Paid().String(), Spent: acc.Spent.String(), PricePerSecond: terms.PricePerSecond.String(),
	})
}
