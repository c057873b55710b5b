package main

import (
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// x402Client is a small x402 v2 client written from the spec alone
// (coinbase/x402 specs/transports-v2/http.md, specs/x402-specification-v2.md)
// and the terms a 402 states: its own types and base64, and vouchers signed
// as a wallet signs eth_signTypedData_v4, through go-ethereum's apitypes
// with the domain and types the 402 gives, not livegate's chain package.
// It knows its key and its channel, nothing else of livegate.
type x402Client struct {
	t       *testing.T
	key     *ecdsa.PrivateKey
	channel string
}

// x402Terms is a PaymentRequired, as the client reads it.
type x402Terms struct {
	X402Version int    `json:"x402Version"`
	Error       string `json:"error"`
	Resource    struct {
		URL string `json:"url"`
	} `json:"resource"`
	Accepts []struct {
		Scheme  string `json:"scheme"`
		Network string `json:"network"`
		Amount  string `json:"amount"`
		Asset   string `json:"asset"`
		PayTo   string `json:"payTo"`
		Extra   struct {
			EIP712Domain struct {
				Name              string      `json:"name"`
				Version           string      `json:"version"`
				ChainID           json.Number `json:"chainId"`
				VerifyingContract string      `json:"verifyingContract"`
			} `json:"eip712Domain"`
			PrimaryType  string         `json:"primaryType"`
			Types        apitypes.Types `json:"types"`
			Session      string         `json:"session"`
			ChannelState *struct {
				ChannelID string `json:"channelId"`
				Paid      string `json:"paid"`
				Spent     string `json:"spent"`
			} `json:"channelState"`
		} `json:"extra"`
	} `json:"accepts"`
}

// terms reads a 402's PAYMENT-REQUIRED.
func (c *x402Client) terms(resp *http.Response) x402Terms {
	c.t.Helper()
	var out x402Terms
	raw, err := base64.StdEncoding.DecodeString(resp.Header.Get("PAYMENT-REQUIRED"))
	if err != nil || json.Unmarshal(raw, &out) != nil || out.X402Version != 2 || len(out.Accepts) != 1 ||
		out.Accepts[0].Scheme != "livegate-channel" {
		c.t.Fatalf("%d: PAYMENT-REQUIRED %q: %v %s", resp.StatusCode, resp.Header.Get("PAYMENT-REQUIRED"), err, raw)
	}
	return out
}

// pay signs a voucher for a cumulative amount under the terms' domain
// and types, and encodes it as a PAYMENT-SIGNATURE.
func (c *x402Client) pay(terms x402Terms, amount *big.Int) string {
	c.t.Helper()
	acc := terms.Accepts[0]
	chainID, ok := new(big.Int).SetString(acc.Extra.EIP712Domain.ChainID.String(), 10)
	if !ok {
		c.t.Fatalf("chainId %q", acc.Extra.EIP712Domain.ChainID)
	}
	td := apitypes.TypedData{
		Types: acc.Extra.Types, PrimaryType: acc.Extra.PrimaryType,
		Domain: apitypes.TypedDataDomain{
			Name: acc.Extra.EIP712Domain.Name, Version: acc.Extra.EIP712Domain.Version,
			ChainId: (*math.HexOrDecimal256)(chainID), VerifyingContract: acc.Extra.EIP712Domain.VerifyingContract,
		},
		Message: apitypes.TypedDataMessage{"channelId": c.channel, "amount": amount.String()},
	}
	digest, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		c.t.Fatal(err)
	}
	sig, err := crypto.Sign(digest, c.key)
	if err != nil {
		c.t.Fatal(err)
	}
	sig[64] += 27
	b, _ := json.Marshal(map[string]any{
		"x402Version": 2,
		"resource":    map[string]string{"url": terms.Resource.URL},
		"accepted":    acc,
		"payload":     map[string]string{"channelId": c.channel, "amount": amount.String(), "signature": hexutil.Encode(sig)},
	})
	return base64.StdEncoding.EncodeToString(b)
}

// settled reads a PAYMENT-RESPONSE.
func (c *x402Client) settled(resp *http.Response) (out struct {
	Success     bool   `json:"success"`
	Transaction string `json:"transaction"`
	Network     string `json:"network"`
	Payer       string `json:"payer"`
	Extra       struct {
		ChannelState struct{ ChannelID, Paid, Spent string } `json:"channelState"`
	} `json:"extra"`
}) {
	c.t.Helper()
	raw, err := base64.StdEncoding.DecodeString(resp.Header.Get("PAYMENT-RESPONSE"))
	if err != nil || json.Unmarshal(raw, &out) != nil {
		c.t.Fatalf("PAYMENT-RESPONSE %q: %v", resp.Header.Get("PAYMENT-RESPONSE"), err)
	}
	return out
}

// TestX402ClientPlays: a client that knows x402 and its own channel, and
// nothing of livegate's headers, reads a key's 402, pays what it says
// through PAYMENT-SIGNATURE (opening a session where the terms say, then
// topping it up on the next key's request), and the keys it buys open
// their segments.
func TestX402ClientPlays(t *testing.T) {
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), w.configure)
	e.publishClip("demo")
	c := &x402Client{t: t, key: w.viewers[0], channel: w.channels[0].Hex()}

	playlist := e.base + "/live/demo/source/index.m3u8"
	_, body := getWith(t, playlist)
	segs := segmentsOf(t, playlist, body)
	if len(segs) < 2 {
		t.Fatalf("segments %+v", segs)
	}
	// The first key: 402, and the terms.
	resp, _ := getWith(t, segs[0].key)
	if resp.StatusCode != http.StatusPaymentRequired {
		t.Fatalf("first key without paying: %d", resp.StatusCode)
	}
	terms := c.terms(resp)
	acc := terms.Accepts[0]
	if terms.Resource.URL != segs[0].key || acc.Network != "eip155:1337" || acc.Amount != "2000" ||
		acc.PayTo != crypto.PubkeyToAddress(w.payee.PublicKey).Hex() || acc.Asset != "0x0000000000000000000000000000000000000000" ||
		acc.Extra.ChannelState != nil {
		t.Fatalf("terms of the first key: %+v", terms)
	}
	// Pay its price where the terms say a voucher opens a session.
	session, err := url.Parse(terms.Resource.URL)
	if err == nil {
		session, err = session.Parse(acc.Extra.Session)
	}
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, session.String(), nil)
	req.Header.Set("PAYMENT-SIGNATURE", c.pay(terms, big.NewInt(2000)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var opened struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&opened)
	resp.Body.Close()
	if s := c.settled(resp); resp.StatusCode != 200 || opened.Token == "" || !s.Success || s.Transaction != "" ||
		s.Extra.ChannelState.Paid != "2000" || s.Payer != crypto.PubkeyToAddress(c.key.PublicKey).Hex() {
		t.Fatalf("session: %d %+v", resp.StatusCode, s)
	}
	bearer := "Bearer " + opened.Token
	resp, key0 := getWith(t, segs[0].key, "Authorization", bearer)
	_, data0 := getWith(t, segs[0].uri)
	if _, ok := decrypts(t, segs[0], data0, key0); resp.StatusCode != 200 || !ok {
		t.Fatalf("the first key, paid: %d, opens its segment: %v", resp.StatusCode, ok)
	}

	// The next key: 402 again, now with the channel's account; the
	// client signs what has been spent plus this key's price.
	resp, _ = getWith(t, segs[1].key, "Authorization", bearer)
	if resp.StatusCode != http.StatusPaymentRequired {
		t.Fatalf("the next key on spent credit: %d", resp.StatusCode)
	}
	terms = c.terms(resp)
	st := terms.Accepts[0].Extra.ChannelState
	if st == nil || !strings.EqualFold(st.ChannelID, c.channel) || st.Paid != "2000" || st.Spent != "2000" {
		t.Fatalf("the channel's state in the terms: %+v", st)
	}
	spent, _ := new(big.Int).SetString(st.Spent, 10)
	price, _ := new(big.Int).SetString(terms.Accepts[0].Amount, 10)
	resp, key1 := getWith(t, segs[1].key, "Authorization", bearer, "PAYMENT-SIGNATURE", c.pay(terms, new(big.Int).Add(spent, price)))
	s := c.settled(resp)
	if resp.StatusCode != 200 || !s.Success || s.Network != "eip155:1337" || s.Extra.ChannelState.Paid != "4000" || s.Extra.ChannelState.Spent != "4000" {
		t.Fatalf("the next key with PAYMENT-SIGNATURE: %d %+v", resp.StatusCode, s)
	}
	_, data1 := getWith(t, segs[1].uri)
	if n, ok := decrypts(t, segs[1], data1, key1); !ok {
		t.Fatalf("the key bought through x402 does not open the next segment (%d frames)", n)
	}
}
