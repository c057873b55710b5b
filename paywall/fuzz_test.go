package paywall

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

const fuzzSig = "0x" + "11111111111111111111111111111111111111111111111111111111111111112222222222222222222222222222222222222222222222222222222222222222" + "1b"

// FuzzQueryToken: queryToken finds what url.ParseQuery finds.
func FuzzQueryToken(f *testing.F) {
	for _, q := range []string{"", "token=a", "x=1&token=b", "token=&token=c", "tok%65n=d", "token=a%2Bb+c", "token=%zz&token=e",
		"a;b=1&token=f", "token=g;h", "&&token=i&", "%zz=1&token=j", "token=k=l"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		want, _ := url.ParseQuery(q)
		if got := queryToken(q); got != want.Get("token") {
			t.Fatalf("queryToken(%q) = %q, url.ParseQuery finds %q", q, got, want.Get("token"))
		}
	})
}

// FuzzDecodeVoucher: a body is a voucher exactly when encoding/json reads
// it into the three fields (and nothing else) and each field is well
// formed; what is accepted is what the fields say.
func FuzzDecodeVoucher(f *testing.F) {
	good := `{"channel":"0x` + strings.Repeat("ab", 32) + `","amount":"1000","signature":"` + fuzzSig + `"}`
	for _, s := range []string{good, `{}`, `{"channel":1}`, `{"channel":"0x00","amount":"1","signature":"0x"}`,
		good + `{}`, `{"channel":"0x` + strings.Repeat("ab", 32) + `","amount":"-1","signature":"` + fuzzSig + `"}`,
		`{"extra":1,` + good[1:], `[` + good + `]`, `{"amount":"1e3"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := decodeVoucher(bytes.NewReader(body))
		var vj voucherJSON
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		refErr := dec.Decode(&vj)
		if refErr != nil {
			if err == nil {
				t.Fatalf("accepted %q, which encoding/json refuses: %v", body, refErr)
			}
			return
		}
		ref, refErr := parseVoucher(vj.Channel, vj.Amount, vj.Signature)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("%q: decodeVoucher %v, reference %v", body, err, refErr)
		}
		if err != nil {
			return
		}
		checkVoucher(t, v.Channel, v.Amount, v.Signature)
		if v.Channel != ref.Channel || v.Amount.Cmp(ref.Amount) != 0 || !bytes.Equal(v.Signature, ref.Signature) {
			t.Fatalf("%q: %+v, reference %+v", body, v, ref)
		}
	})
}

// checkVoucher holds what every accepted voucher must: a positive amount
// of at most 256 bits, a 65-byte signature.
func checkVoucher(t *testing.T, ch common.Hash, amount *big.Int, sig []byte) {
	t.Helper()
	if amount.Sign() <= 0 || amount.BitLen() > 256 || len(sig) != 65 {
		t.Fatalf("accepted channel %s amount %s signature %x", ch, amount, sig)
	}
}

// FuzzVoucherHeader: Livegate-Voucher is three fields split at colons;
// whatever is accepted formats back into a header that parses the same.
func FuzzVoucherHeader(f *testing.F) {
	f.Add("0x" + strings.Repeat("ab", 32) + ":1000:" + fuzzSig)
	f.Add("0x" + strings.Repeat("ab", 32) + ":1000:" + fuzzSig + ":")
	f.Add("::")
	f.Add("0x:1:0x")
	f.Fuzz(func(t *testing.T, value string) {
		v, err := parseVoucherHeader(value)
		parts := strings.Split(value, ":")
		if len(parts) != 3 {
			if err == nil {
				t.Fatalf("accepted %q, not three fields", value)
			}
			return
		}
		if err != nil {
			return
		}
		checkVoucher(t, v.Channel, v.Amount, v.Signature)
		again, err := parseVoucherHeader(v.Channel.Hex() + ":" + v.Amount.String() + ":" + hexutil.Encode(v.Signature))
		if err != nil || again.Channel != v.Channel || again.Amount.Cmp(v.Amount) != 0 || !bytes.Equal(again.Signature, v.Signature) {
			t.Fatalf("%q does not round-trip: %+v %v", value, again, err)
		}
	})
}

// FuzzSessionToken: a session token is accepted only with the claims it
// was issued with (a mutated token never names another channel, session
// or stream), and never for another stream.
func FuzzSessionToken(f *testing.F) {
	s, _ := NewSessions(bytes.Repeat([]byte{9}, 32), time.Hour)
	now := time.Unix(1_800_000_000, 0)
	s.Now = func() time.Time { return now }
	ch := common.HexToHash("0x" + strings.Repeat("cd", 32))
	tok, _, _ := s.Issue("demo", ch, "0123456789abcdef")
	f.Add(tok)
	f.Add(tok + "x")
	f.Add(strings.Replace(tok, ".", "..", 1))
	f.Add("eyJhbGciOiJub25lIn0.eyJzaWQiOiJ4In0.")
	f.Add(strings.Repeat("a.", 1000))
	f.Fuzz(func(t *testing.T, token string) {
		fresh, _ := NewSessions(bytes.Repeat([]byte{9}, 32), time.Hour) // no cache shared between inputs
		fresh.Now = s.Now
		c, err := fresh.Parse(token, "demo")
		if err == nil && (c.ChannelID() != ch || c.Session != "0123456789abcdef" || c.Audience[0] != "demo") {
			t.Fatalf("accepted %q with claims %+v", token, c)
		}
		if _, err := fresh.Parse(token, "other"); err == nil {
			t.Fatalf("a demo token accepted for another stream: %q", token)
		}
		if c, err := fresh.Renewable(token, "demo"); err == nil && (c.ChannelID() != ch || c.Session != "0123456789abcdef") {
			t.Fatalf("renewed %q with claims %+v", token, c)
		}
	})
}
