package provision

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
)

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]string{
		"0.01": "10000000000000000", "1ETH": "1000000000000000000", "50000gwei": "50000000000000", "1000wei": "1000", " 2 eth ": "2000000000000000000",
	} {
		if got, err := ParseAmount(in); err != nil || got.String() != want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "abc", "1e-30", "0.5wei"} {
		if got, err := ParseAmount(in); err == nil {
			t.Errorf("ParseAmount(%q) = %v, want an error", in, got)
		}
	}
}

// A deposit for a stream priced in a token is in that token's units.
func TestLinksDepositInAToken(t *testing.T) {
	usdl := chain.TokenInfo{Address: common.HexToAddress("0x1000000000000000000000000000000000000001"), Symbol: "USDL", Decimals: 6}
	for in, want := range map[string]string{"10": "10000000", "0.5 USDL": "500000", "2usdl": "2000000", "0.000001": "1"} {
		if got, err := ParseDeposit(in, usdl); err != nil || got.String() != want {
			t.Errorf("%q: %v %v, want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"0.0000001", "-1", "ten", "0"} {
		if got, err := ParseDeposit(bad, usdl); err == nil {
			t.Errorf("%q accepted as %v", bad, got)
		}
	}
	if got, err := ParseDeposit("0.01", chain.ETH); err != nil || got.String() != "10000000000000000" {
		t.Errorf("ETH: %v %v", got, err)
	}
}

// FuzzParseDeposit: what a person types as a deposit. Never a panic; an
// amount accepted is positive and, shown in the token's units, reads back
// the same.
func FuzzParseDeposit(f *testing.F) {
	for _, s := range []string{"10", "0.5 USDL", "2usdl", "0.000001", "0.01", "1eth", "50000gwei", "0.5wei", "-1", "1e-30", ""} {
		f.Add(s)
	}
	usdl := chain.TokenInfo{Address: common.HexToAddress("0x1000000000000000000000000000000000000001"), Symbol: "USDL", Decimals: 6}
	f.Fuzz(func(t *testing.T, s string) {
		_ = CheckDeposit(s)
		for _, tok := range []chain.TokenInfo{usdl, chain.ETH} {
			v, err := ParseDeposit(s, tok)
			if err != nil {
				continue
			}
			if v.Sign() <= 0 {
				t.Fatalf("%q in %s: %v", s, tok.Symbol, v)
			}
			if tok.Address != (common.Address{}) {
				back, err := ParseDeposit(tok.Format(v), tok)
				if err != nil || back.Cmp(v) != 0 {
					t.Fatalf("%q: %v shown as %q reads back as %v (%v)", s, v, tok.Format(v), back, err)
				}
			}
		}
	})
}
