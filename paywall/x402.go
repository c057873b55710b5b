package paywall

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/internal/clientaddr"
)

// x402: the paying protocol's terms in the common language of HTTP 402, so
// a client that speaks x402 v2 can read what to pay without knowing the
// Livegate-* headers.
//
// The transport follows coinbase/x402 specs/transports-v2/http.md and the
// types of specs/x402-specification-v2.md (§5.1 PaymentRequired, §5.2
// PaymentPayload, §5.3 SettlementResponse; read at commit dd927a26): each
// header is a JSON object in standard, padded base64, as that repository's
// Go SDK encodes it (go/http/client.go, base64.StdEncoding).
//
// Our scheme is named "livegate-channel", not "batch-settlement", although
// it is the same idea (x402-foundation/x402
// specs/schemes/batch-settlement/scheme_batch_settlement_evm.md: a one-way
// channel, cumulative EIP-712 vouchers, claimed later): a batch-settlement
// client signs Voucher(bytes32 channelId,uint128 maxClaimableAmount) under
// the "x402 Batch Settlement" domain, for a channel whose id hashes a
// ChannelConfig and which a facilitator opens from a deposit payload. Our
// vouchers are Voucher(bytes32 channelId,uint256 amount) under the
// "livegate" domain of our contract, for channels opened on our contract:
// a batch-settlement signature would not recover here, so claiming that
// name would only produce refusals. Where the meaning is the same the
// field names are the batch-settlement binding's: extra.channelState
// {channelId, …} in both directions, extra.chargedAmount in the payment
// response, an empty transaction for an off-chain voucher.

// The x402 v2 HTTP headers.
const (
	hdrPaymentRequired  = "PAYMENT-REQUIRED"
	hdrPaymentSignature = "PAYMENT-SIGNATURE"
	hdrPaymentResponse  = "PAYMENT-RESPONSE"
)

const (
	// X402Scheme names our channel scheme in x402's accepts list.
	X402Scheme = "livegate-channel"
	// x402Version is the protocol version the headers speak.
	x402Version = 2
	// x402Timeout is maxTimeoutSeconds: how long the terms of a 402 hold.
	// The price of a segment does not change, but the credit it is set
	// against moves with every key the session buys; a client that waited
	// longer asks again.
	x402Timeout = 60
	// maxPaymentSignature bounds PAYMENT-SIGNATURE before it is decoded.
	// Ours needs about 2 KB with the echoed requirements; nginx refuses a
	// header line over 8 KB by default (large_client_header_buffers), so
	// nothing longer could reach us through the usual proxy anyway.
	maxPaymentSignature = 8 << 10
)

// voucherTypeString is the EIP-712 encoding of our voucher type, which
// chain.VoucherTypeHash hashes.
const voucherTypeString = "Voucher(bytes32 channelId,uint256 amount)"

// x402Resource is x402's ResourceInfo.
type x402Resource struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
	MimeType    string `json:"mimeType,omitempty"`
}

// x402Required is x402's PaymentRequired.
type x402Required struct {
	X402Version int                `json:"x402Version"`
	Error       string             `json:"error,omitempty"`
	Resource    x402Resource       `json:"resource"`
	Accepts     []x402Requirements `json:"accepts"`
}

// x402Requirements is x402's PaymentRequirements for our scheme.
type x402Requirements struct {
	Scheme            string    `json:"scheme"`
	Network           string    `json:"network"`
	Amount            string    `json:"amount"`
	Asset             string    `json:"asset"`
	PayTo             string    `json:"payTo"`
	MaxTimeoutSeconds int       `json:"maxTimeoutSeconds"`
	Extra             x402Extra `json:"extra"`
}

// x402Extra is what a client needs to sign our voucher: the EIP-712
// domain, types and primary type as eth_signTypedData_v4 takes them, the
// type's encoding to check them against, where a voucher opens a session,
// and the channel's state when the request's session names one. The next
// voucher's cumulative amount is at least channelState.spent + amount
// (and more than channelState.paid): a player signs ahead.
type x402Extra struct {
	Contract     string                       `json:"contract"`
	EIP712Domain map[string]any               `json:"eip712Domain"`
	PrimaryType  string                       `json:"primaryType"`
	Types        map[string][]x402TypedMember `json:"types"`
	VoucherType  string                       `json:"voucherType"`
	Session      string                       `json:"session"`
	ChannelState *x402ChannelState            `json:"channelState,omitempty"`
	// Token is the asset for people: its symbol and decimals (amounts
	// are in its smallest unit).
	Token assetJSON `json:"token"`
}

type x402TypedMember struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// x402ChannelState is a channel's account here: the best voucher's
// cumulative amount (paid) and what it has bought (spent), in the asset's
// smallest unit.
type x402ChannelState struct {
	ChannelID string `json:"channelId"`
	Paid      string `json:"paid"`
	Spent     string `json:"spent"`
}

// x402Settlement is x402's SettlementResponse for a voucher taken. The
// voucher stays off chain until the settler claims it: transaction is
// empty, as batch-settlement answers a voucher.
type x402Settlement struct {
	Success     bool                `json:"success"`
	Transaction string              `json:"transaction"`
	Network     string              `json:"network"`
	Payer       string              `json:"payer,omitempty"`
	Extra       x402SettlementExtra `json:"extra"`
}

type x402SettlementExtra struct {
	ChargedAmount string           `json:"chargedAmount,omitempty"` // what the answer it rides on cost
	ChannelState  x402ChannelState `json:"channelState"`
}

// The PaymentPayload's members we read: the version, the scheme and
// network the client chose (in accepted), and our voucher (payload, whose
// members are the voucher's typed-data message and its signature, 65
// bytes r‖s‖v in hex). Everything else (the echoed resource and
// requirements, extensions) is the client's business and ignored. Names
// match exactly, as the spec spells them: encoding/json would match a
// struct's fields in any case.
var voucherMembers = [...]string{"channelId", "amount", "signature"}

// decodePaymentSignature reads a PAYMENT-SIGNATURE header: standard base64
// of a PaymentPayload of version 2 for our scheme, whose payload is
// exactly {channelId, amount, signature} (voucherMembers). It returns the voucher and the
// network the client chose, which the gate compares with its own. Every
// refusal wraps ErrMalformedVoucher.
func decodePaymentSignature(value string) (*chain.Voucher, string, error) {
	if len(value) > maxPaymentSignature {
		return nil, "", fmt.Errorf("%w: %s is longer than %d bytes", ErrMalformedVoucher, hdrPaymentSignature, maxPaymentSignature)
	}
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %s must be standard base64 (with padding) of a JSON PaymentPayload: %w", ErrMalformedVoucher, hdrPaymentSignature, err)
	}
	var top, accepted, payload map[string]json.RawMessage
	var version int
	var scheme, network string
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, "", fmt.Errorf("%w: %s is not a JSON PaymentPayload: %w", ErrMalformedVoucher, hdrPaymentSignature, err)
	}
	switch {
	case member(top, "x402Version", &version) != nil || version != x402Version:
		return nil, "", fmt.Errorf("%w: x402Version must be %d", ErrMalformedVoucher, x402Version)
	case member(top, "accepted", &accepted) != nil || member(accepted, "scheme", &scheme) != nil || scheme != X402Scheme:
		return nil, "", fmt.Errorf("%w: accepted.scheme must be %q, the one PAYMENT-REQUIRED offers", ErrMalformedVoucher, X402Scheme)
	case member(accepted, "network", &network) != nil:
		return nil, "", fmt.Errorf("%w: accepted.network must be a string, eip155:{chain id}", ErrMalformedVoucher)
	}
	var v [len(voucherMembers)]string
	err = member(top, "payload", &payload)
	for i := 0; err == nil && i < len(v); i++ {
		err = member(payload, voucherMembers[i], &v[i])
	}
	if err != nil || len(payload) != len(v) {
		return nil, "", fmt.Errorf(`%w: payload must be {"channelId":"0x…","amount":"<cumulative, decimal>","signature":"0x…"}`, ErrMalformedVoucher)
	}
	voucher, err := parseVoucher(v[0], v[1], v[2])
	if err != nil {
		return nil, "", err
	}
	return voucher, network, nil
}

// member decodes the member name of a JSON object into out; a missing
// member, or a null, is an error.
func member(obj map[string]json.RawMessage, name string, out any) error {
	raw, ok := obj[name]
	if !ok || string(raw) == "null" {
		return fmt.Errorf("no %s", name)
	}
	return json.Unmarshal(raw, out)
}

// network is the chain as x402 names it (CAIP-2).
func (g *Gate) network() string { return "eip155:" + g.Domain.ChainID.String() }

// requestVoucherHeader reads the voucher a request carries in a header,
// Livegate-Voucher or PAYMENT-SIGNATURE; nil when it carries neither.
func (g *Gate) requestVoucherHeader(r *http.Request) (*chain.Voucher, error) {
	lg, x := r.Header.Get(hdrVoucher), r.Header.Get(hdrPaymentSignature)
	switch {
	case lg != "" && x != "":
		return nil, fmt.Errorf("%w: send the voucher once, as %s or as %s", ErrMalformedVoucher, hdrVoucher, hdrPaymentSignature)
	case lg != "":
		return parseVoucherHeader(lg)
	case x == "":
		return nil, nil
	}
	v, network, err := decodePaymentSignature(x)
	if err != nil {
		return nil, err
	}
	if network != g.network() {
		return nil, fmt.Errorf("%w: accepted.network is %q, this server takes vouchers on %s", ErrMalformedVoucher, network, g.network())
	}
	return v, nil
}

// setPaymentRequired adds PAYMENT-REQUIRED to a 402 answer: the price of
// what r asks for (one second of the stream on the paying API, which
// sells no segment), and the channel's state when ch is known (rc, or the
// ledger's account).
func (g *Gate) setPaymentRequired(w http.ResponseWriter, r *http.Request, stream string, price *big.Int, ch *common.Hash, rc *Receipt, msg string) {
	desc := "the key to a segment of " + stream
	switch mime := resourceType(r.URL.Path); {
	case strings.HasPrefix(r.URL.Path, "/pay/"):
		desc = "one second of " + stream + " (the paying API sells no segment itself)"
	case mime != keyMime:
		desc = "a segment of " + stream
	}
	accept := x402Requirements{
		// The asset is the stream's token; for ETH the zero address, as our
		// contract names a channel's token, and as x402's own EVM code takes
		// it for the native coin (python/x402/mechanisms/evm/signers.py,
		// get_balance).
		Scheme: X402Scheme, Network: g.network(), Amount: price.String(), Asset: g.Streams[stream].Token.Address.Hex(), PayTo: g.Payee.Hex(),
		MaxTimeoutSeconds: x402Timeout,
		Extra: x402Extra{
			Contract: g.Domain.Contract.Hex(), EIP712Domain: g.domainJSON(), PrimaryType: "Voucher",
			Types: map[string][]x402TypedMember{
				"EIP712Domain": {{"name", "string"}, {"version", "string"}, {"chainId", "uint256"}, {"verifyingContract", "address"}},
				"Voucher":      {{"channelId", "bytes32"}, {"amount", "uint256"}},
			},
			VoucherType: voucherTypeString,
			Session:     "/pay/" + stream + "/session",
			Token:       assetOf(g.Streams[stream]),
		},
	}
	if ch != nil {
		st := x402ChannelState{ChannelID: ch.Hex()}
		if rc != nil {
			st.Paid, st.Spent = rc.Paid.String(), rc.Spent.String()
		} else {
			acc := g.Ledger.Account(*ch)
			st.Paid, st.Spent = acc.Paid().String(), acc.Spent.String()
		}
		accept.Extra.ChannelState = &st
	}
	w.Header().Set(hdrPaymentRequired, encodeX402(x402Required{
		X402Version: x402Version, Error: msg,
		Resource: x402Resource{URL: g.resourceURL(r), Description: desc, MimeType: resourceType(r.URL.Path)},
		Accepts:  []x402Requirements{accept},
	}))
}

// setPaymentResponse adds PAYMENT-RESPONSE after a voucher was taken: the
// channel's account after it, what the answer cost (nil on the paying
// API), and the channel's funder as the payer when the chain's state is
// at hand.
func (g *Gate) setPaymentResponse(w http.ResponseWriter, r *http.Request, ch common.Hash, charged, paid, spent *big.Int) {
	out := x402Settlement{
		Success: true, Network: g.network(),
		Extra: x402SettlementExtra{ChannelState: x402ChannelState{ChannelID: ch.Hex(), Paid: paid.String(), Spent: spent.String()}},
	}
	if charged != nil {
		out.Extra.ChargedAmount = charged.String()
	}
	if st, err := g.Cashier.Channels.Load(r.Context(), ch); err == nil {
		out.Payer = st.Funder.Hex()
	}
	w.Header().Set(hdrPaymentResponse, encodeX402(out))
}

// refusedSelling answers a refusal met while selling stream: one answered
// 402 (a voucher above the deposit) carries PAYMENT-REQUIRED as well.
func (g *Gate) refusedSelling(w http.ResponseWriter, r *http.Request, stream string, price *big.Int, ch *common.Hash, err error) {
	if answerTo(err).status == http.StatusPaymentRequired {
		g.setPaymentRequired(w, r, stream, price, ch, nil, err.Error())
	}
	g.refused(w, err)
}

func encodeX402(v any) string {
	b, _ := json.Marshal(v) // our own structs of strings and numbers
	return base64.StdEncoding.EncodeToString(b)
}

const keyMime = "application/octet-stream"

// resourceType is the MIME type of what a paywalled path answers, as the
// origin serves it.
func resourceType(path string) string {
	switch {
	case strings.HasPrefix(path, "/pay/"):
		return "application/json"
	case strings.HasSuffix(path, ".ts"):
		return "video/mp2t"
	case strings.HasSuffix(path, ".m4s"), strings.HasSuffix(path, ".mp4"):
		return "video/mp4"
	}
	return keyMime
}

// resourceURL is the request's URL without its query: the only parameter
// a paywalled URL takes is the session token, a bearer secret not to be
// echoed into a header proxies may log. The scheme is https over TLS, or
// when a trusted proxy says so (X-Forwarded-Proto).
func (g *Gate) resourceURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || (g.Clients.TrustsPeer(clientaddr.Peer(r)) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.EscapedPath()
}
