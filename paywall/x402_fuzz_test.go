package paywall

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzPaymentSignature: whatever a PAYMENT-SIGNATURE holds, the decoder
// answers a voucher or a malformed-voucher refusal, never anything else;
// it refuses what is over the bound; and what it accepts is standard
// base64 of JSON that, read on its own with encoding/json into maps (whose
// keys match exactly), is version 2 of our scheme with a payload of the
// three voucher members and nothing else, and the voucher is what those
// members say.
func FuzzPaymentSignature(f *testing.F) {
	ch := "0x" + strings.Repeat("ab", 32)
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	good := `{"x402Version":2,"accepted":{"scheme":"livegate-channel","network":"eip155:1337","amount":"2000"},` +
		`"payload":{"channelId":"` + ch + `","amount":"5000","signature":"` + fuzzSig + `"}}`
	for _, s := range []string{
		enc(good), "", "=", "e30=", enc(`{}`), enc(`null`), enc(`[` + good + `]`), strings.TrimRight(enc(good), "="),
		enc(strings.Replace(good, `"x402Version":2`, `"x402Version":2.5`, 1)),
		enc(strings.Replace(good, `"payload":{`, `"payload":{"x":1,`, 1)),
		enc(strings.Replace(good, `"5000"`, `"-1"`, 1)),
		enc(strings.Replace(good, `"payload":{`, `"payload":null,"p":{`, 1)),
		enc(good + ` `), enc(good + `{}`), enc(`{"payload":{"channelId":"x"},"payload":{"amount":"1"}}`),
		enc(strings.Replace(good, `"scheme"`, `"SCHEME"`, 1)), enc(strings.Replace(good, `"channelId"`, `"channelid"`, 1)),
		enc(strings.Replace(good, `"x402Version":2`, `"x402Version":null`, 1)),
		enc(strings.Replace(good, `{"x402Version"`, `{"ACCEPTED":{"scheme":"exact"},"x402Version"`, 1)),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		v, network, err := decodePaymentSignature(value)
		if err != nil {
			if !errors.Is(err, ErrMalformedVoucher) {
				t.Fatalf("%q: refused with %v, not a malformed voucher", value, err)
			}
			return
		}
		if len(value) > maxPaymentSignature {
			t.Fatalf("accepted %d bytes, over the bound", len(value))
		}
		raw, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			t.Fatalf("accepted %q, which is not standard base64: %v", value, err)
		}
		var ref map[string]any
		if err := json.Unmarshal(raw, &ref); err != nil {
			t.Fatalf("accepted %s, which encoding/json refuses: %v", raw, err)
		}
		accepted, _ := ref["accepted"].(map[string]any)
		payload, _ := ref["payload"].(map[string]any)
		if ref["x402Version"] != float64(2) || accepted["scheme"] != X402Scheme || accepted["network"] != network || len(payload) != 3 {
			t.Fatalf("accepted %s as version 2 of our scheme on %q with a 3-member payload", raw, network)
		}
		str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
		want, err := parseVoucher(str(payload, "channelId"), str(payload, "amount"), str(payload, "signature"))
		if err != nil || want.Channel != v.Channel || want.Amount.Cmp(v.Amount) != 0 || !bytes.Equal(want.Signature, v.Signature) {
			t.Fatalf("%s decoded into %s %s %x; its payload read on its own: %+v (%v)", raw, v.Channel, v.Amount, v.Signature, want, err)
		}
	})
}
