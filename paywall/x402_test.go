package paywall_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
)

// paymentRequired is x402 v2's PaymentRequired as a client reads it
// (coinbase/x402 specs/x402-specification-v2.md §5.1), with our scheme's
// extra.
type paymentRequired struct {
	X402Version int    `json:"x402Version"`
	Error       string `json:"error"`
	Resource    struct {
		URL, Description, MimeType string
	} `json:"resource"`
	Accepts []struct {
		Scheme, Network, Amount, Asset, PayTo string
		MaxTimeoutSeconds                     int
		Extra                                 struct {
			Contract     string
			EIP712Domain map[string]any
			PrimaryType  string
			Types        map[string][]struct{ Name, Type string }
			VoucherType  string
			Session      string
			ChannelState *channelState
		}
	} `json:"accepts"`
}

type channelState struct{ ChannelID, Paid, Spent string }

type paymentResponse struct {
	Success     bool
	Transaction *string
	Network     string
	Payer       string
	Extra       struct {
		ChargedAmount string
		ChannelState  channelState
	}
}

// decodeX402 reads an x402 header: standard base64, padded, of JSON.
func decodeX402(t *testing.T, h http.Header, name string, out any) {
	t.Helper()
	v := h.Get(name)
	if v == "" || len(v)%4 != 0 {
		t.Fatalf("%s: %q is not padded base64", name, v)
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: %v: %s", name, err, raw)
	}
}

// paymentSignature encodes v as a PAYMENT-SIGNATURE for network.
func paymentSignature(v map[string]string, network string) string {
	b, _ := json.Marshal(map[string]any{
		"x402Version": 2,
		"accepted":    map[string]any{"scheme": "livegate-channel", "network": network, "amount": "2000"},
		"payload":     map[string]string{"channelId": v["channel"], "amount": v["amount"], "signature": v["signature"]},
	})
	return base64.StdEncoding.EncodeToString(b)
}

// Every 402 carries PAYMENT-REQUIRED beside our own headers and body: the
// segment's price, the chain and payee, and what to sign; the session's
// channel and account once the request names one.
func TestPaymentRequiredHeader(t *testing.T) {
	f := newFixture(t)
	a := f.do("GET", "/seg/demo/1", "", nil)
	if a.code != http.StatusPaymentRequired || a.body["reason"] != "payment_required" || a.header.Get("Livegate-Price") != "2000" ||
		a.header.Get("Livegate-Contract") != f.c.Address.Hex() {
		t.Fatalf("no token: %d %v %v", a.code, a.header, a.body)
	}
	var pr paymentRequired
	decodeX402(t, a.header, "PAYMENT-REQUIRED", &pr)
	payee := crypto.PubkeyToAddress(f.payee.PublicKey).Hex()
	if pr.X402Version != 2 || pr.Resource.URL != f.srv.URL+"/seg/demo/1" || pr.Resource.MimeType != "application/octet-stream" ||
		pr.Error != a.body["error"] || len(pr.Accepts) != 1 {
		t.Fatalf("PAYMENT-REQUIRED %+v", pr)
	}
	acc := pr.Accepts[0]
	if acc.Scheme != "livegate-channel" || acc.Network != "eip155:1337" || acc.Amount != "2000" ||
		acc.Asset != (common.Address{}).Hex() || acc.PayTo != payee || acc.MaxTimeoutSeconds <= 0 {
		t.Errorf("accepts[0] %+v", acc)
	}
	x := acc.Extra
	if x.Contract != f.c.Address.Hex() || x.EIP712Domain["name"] != "livegate" || x.EIP712Domain["version"] != "1" ||
		x.EIP712Domain["chainId"] != float64(1337) || x.EIP712Domain["verifyingContract"] != f.c.Address.Hex() ||
		x.PrimaryType != "Voucher" || x.Session != "/pay/demo/session" || x.ChannelState != nil {
		t.Errorf("extra %+v", x)
	}
	// The type string is the one the contract hashes, and the fields say
	// the same.
	if crypto.Keccak256Hash([]byte(x.VoucherType)) != chain.VoucherTypeHash {
		t.Errorf("voucherType %q does not hash to the contract's type hash", x.VoucherType)
	}
	var fields []string
	for _, m := range x.Types["Voucher"] {
		fields = append(fields, m.Type+" "+m.Name)
	}
	if "Voucher("+strings.Join(fields, ",")+")" != x.VoucherType {
		t.Errorf("types.Voucher %v against %q", x.Types["Voucher"], x.VoucherType)
	}

	// A session that has spent its credit: the channel and its account,
	// and the resource without its token.
	tok := f.session("demo", f.plain, 2500)
	if a = f.do("GET", "/seg/demo/1", tok, nil); a.code != 200 || a.header.Get("PAYMENT-REQUIRED") != "" || a.header.Get("PAYMENT-RESPONSE") != "" {
		t.Fatalf("a paid segment: %d %v", a.code, a.header)
	}
	a = f.do("GET", "/seg/demo/2?token="+tok, "", nil)
	if a.code != http.StatusPaymentRequired || a.body["reason"] != "insufficient_credit" {
		t.Fatalf("without credit: %d %v", a.code, a.body)
	}
	pr = paymentRequired{}
	decodeX402(t, a.header, "PAYMENT-REQUIRED", &pr)
	st := pr.Accepts[0].Extra.ChannelState
	if pr.Resource.URL != f.srv.URL+"/seg/demo/2" || st == nil || *st != (channelState{f.plain.Hex(), "2500", "2000"}) {
		t.Errorf("without credit: resource %+v, channel state %+v", pr.Resource, st)
	}

	// A stream whose segments need a session: a 402 at no price.
	a = f.do("GET", "/bytes/demo/1", "", nil)
	pr = paymentRequired{}
	decodeX402(t, a.header, "PAYMENT-REQUIRED", &pr)
	if a.code != http.StatusPaymentRequired || pr.Accepts[0].Amount != "0" {
		t.Errorf("a session-only segment: %d %+v", a.code, pr)
	}
}

// PAYMENT-SIGNATURE tops a session up as Livegate-Voucher does, with the
// same checks and answers, and the answer says what it did in
// PAYMENT-RESPONSE.
func TestPaymentSignatureTopsUp(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 2000)
	top := f.voucher(f.viewer, f.plain, 6000)
	a := f.do("GET", "/seg/demo/1", tok, nil, "PAYMENT-SIGNATURE", paymentSignature(top, "eip155:1337"))
	if a.code != 200 || a.header.Get("Livegate-Paid") != "6000" || a.header.Get("Livegate-Spent") != "2000" {
		t.Fatalf("top-up: %d %v %v", a.code, a.header, a.body)
	}
	var resp paymentResponse
	decodeX402(t, a.header, "PAYMENT-RESPONSE", &resp)
	me := crypto.PubkeyToAddress(f.viewer.PublicKey).Hex()
	if !resp.Success || resp.Transaction == nil || *resp.Transaction != "" || resp.Network != "eip155:1337" || resp.Payer != me ||
		resp.Extra.ChargedAmount != "2000" || resp.Extra.ChannelState != (channelState{f.plain.Hex(), "6000", "2000"}) {
		t.Errorf("PAYMENT-RESPONSE %+v", resp)
	}
	// The best voucher again, as a client sends it with every request.
	a = f.do("GET", "/seg/demo/2", tok, nil, "PAYMENT-SIGNATURE", paymentSignature(top, "eip155:1337"))
	resp = paymentResponse{}
	decodeX402(t, a.header, "PAYMENT-RESPONSE", &resp)
	if a.code != 200 || resp.Extra.ChannelState.Spent != "4000" || resp.Extra.ChargedAmount != "2000" {
		t.Errorf("the best voucher again: %d %+v", a.code, resp)
	}

	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	good := paymentSignature(f.voucher(f.viewer, f.plain, 7000), "eip155:1337")
	raw, _ := base64.StdEncoding.DecodeString(good)
	payload := `"payload":{"channelId":"` + top["channel"] + `","amount":"7000","signature":"` + top["signature"] + `"}`
	for name, c := range map[string]struct {
		hdr  []string
		code int
	}{
		"not base64":      {[]string{"PAYMENT-SIGNATURE", "not base64!"}, 400},
		"unpadded":        {[]string{"PAYMENT-SIGNATURE", strings.TrimRight(good, "=") + "x"}, 400},
		"not JSON":        {[]string{"PAYMENT-SIGNATURE", enc("[1,2]")}, 400},
		"version 1":       {[]string{"PAYMENT-SIGNATURE", enc(`{"x402Version":1,"accepted":{"scheme":"livegate-channel","network":"eip155:1337"},` + payload + `}`)}, 400},
		"other scheme":    {[]string{"PAYMENT-SIGNATURE", enc(`{"x402Version":2,"accepted":{"scheme":"exact","network":"eip155:1337"},` + payload + `}`)}, 400},
		"other network":   {[]string{"PAYMENT-SIGNATURE", paymentSignature(f.voucher(f.viewer, f.plain, 7000), "eip155:1")}, 400},
		"extra field":     {[]string{"PAYMENT-SIGNATURE", enc(strings.Replace(string(raw), `"amount":"7000"`, `"amount":"7000","nonce":"1"`, 1))}, 400},
		"too long":        {[]string{"PAYMENT-SIGNATURE", good + strings.Repeat("A", 9000)}, 400},
		"both headers":    {[]string{"PAYMENT-SIGNATURE", good, "Livegate-Voucher", top["channel"] + ":7000:" + top["signature"]}, 400},
		"decreasing":      {[]string{"PAYMENT-SIGNATURE", paymentSignature(f.voucher(f.viewer, f.plain, 5000), "eip155:1337")}, 409},
		"forged":          {[]string{"PAYMENT-SIGNATURE", paymentSignature(f.voucher(f.other, f.plain, 9000), "eip155:1337")}, 401},
		"another channel": {[]string{"PAYMENT-SIGNATURE", paymentSignature(f.voucher(f.viewer, f.small, 4000), "eip155:1337")}, 403},
	} {
		a := f.do("GET", "/seg/demo/3", tok, nil, c.hdr...)
		if a.code != c.code || a.body["reason"] == nil || a.header.Get("PAYMENT-RESPONSE") != "" {
			t.Errorf("%s: %d %v, want %d and a reason", name, a.code, a.body, c.code)
		}
	}
	// Above the deposit: a 402, with the terms and the channel's account.
	a = f.do("GET", "/seg/demo/3", tok, nil, "PAYMENT-SIGNATURE", paymentSignature(f.voucher(f.viewer, f.plain, 2_000_000), "eip155:1337"))
	var pr paymentRequired
	decodeX402(t, a.header, "PAYMENT-REQUIRED", &pr)
	if a.code != http.StatusPaymentRequired || a.body["reason"] != "above_deposit" || pr.Accepts[0].Amount != "2000" ||
		*pr.Accepts[0].Extra.ChannelState != (channelState{f.plain.Hex(), "6000", "4000"}) {
		t.Errorf("above the deposit: %d %v %+v", a.code, a.body, pr)
	}
	if p, s := f.account(f.plain); p != "6000" || s != "4000" {
		t.Errorf("refused vouchers changed the account: paid %s spent %s", p, s)
	}
}

// The paying API takes a voucher in PAYMENT-SIGNATURE instead of a body,
// so an x402 client can open a session at extra.session, and answers
// PAYMENT-RESPONSE.
func TestPaymentSignatureOnThePayingAPI(t *testing.T) {
	f := newFixture(t)
	a := f.do("POST", "/pay/demo/session", "", nil, "PAYMENT-SIGNATURE", paymentSignature(f.voucher(f.viewer, f.plain, 3000), "eip155:1337"))
	if a.code != 200 || a.body["paid"] != "3000" {
		t.Fatalf("session: %d %v", a.code, a.body)
	}
	var resp paymentResponse
	decodeX402(t, a.header, "PAYMENT-RESPONSE", &resp)
	if !resp.Success || resp.Extra.ChargedAmount != "" || resp.Extra.ChannelState != (channelState{f.plain.Hex(), "3000", "0"}) {
		t.Errorf("session's PAYMENT-RESPONSE %+v", resp)
	}
	if !strings.Contains(a.header.Get("Access-Control-Expose-Headers"), "PAYMENT-RESPONSE") {
		t.Errorf("a page on another origin cannot read PAYMENT-RESPONSE: %v", a.header)
	}
	tok := a.body["token"].(string)
	a = f.do("POST", "/pay/demo/voucher", tok, nil, "PAYMENT-SIGNATURE", paymentSignature(f.voucher(f.viewer, f.plain, 4000), "eip155:1337"))
	resp = paymentResponse{}
	decodeX402(t, a.header, "PAYMENT-RESPONSE", &resp)
	if a.code != 200 || resp.Extra.ChannelState.Paid != "4000" {
		t.Errorf("top-up: %d %v %+v", a.code, a.body, resp)
	}
	// Above the deposit: 402, priced per second (the API sells no
	// segment), naming no channel (a session would).
	a = f.do("POST", "/pay/demo/session", "", nil, "PAYMENT-SIGNATURE", paymentSignature(f.voucher(f.viewer, f.small, 6000), "eip155:1337"))
	var pr paymentRequired
	decodeX402(t, a.header, "PAYMENT-REQUIRED", &pr)
	if a.code != http.StatusPaymentRequired || pr.Accepts[0].Amount != "1000" || pr.Accepts[0].Extra.ChannelState != nil ||
		pr.Resource.MimeType != "application/json" {
		t.Errorf("above the deposit: %d %+v", a.code, pr)
	}
	a = f.do("POST", "/pay/demo/session", "", nil, "PAYMENT-SIGNATURE", "%%%")
	if a.code != http.StatusBadRequest || a.body["reason"] != "malformed" {
		t.Errorf("a malformed PAYMENT-SIGNATURE: %d %v", a.code, a.body)
	}
	// A body still works, as before.
	if a = f.do("POST", "/pay/demo/voucher", tok, f.voucher(f.viewer, f.plain, 4500)); a.code != 200 {
		t.Errorf("a body voucher: %d %v", a.code, a.body)
	}
}
