package chain

import (
	"bytes"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

var (
	testContract = common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	testChannel  = common.HexToHash("0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925")
)

// reference computes the digest the slow, general way: go-ethereum's
// EIP-712 implementation (what wallets' eth_signTypedData_v4 follows).
func reference(t *testing.T, chainID *big.Int, contract common.Address, channel common.Hash, amount *big.Int) []byte {
	t.Helper()
	td := apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {
				{Name: "name", Type: "string"}, {Name: "version", Type: "string"},
				{Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"},
			},
			"Voucher": {{Name: "channelId", Type: "bytes32"}, {Name: "amount", Type: "uint256"}},
		},
		PrimaryType: "Voucher",
		Domain: apitypes.TypedDataDomain{
			Name: "livegate", Version: "1",
			ChainId: (*math.HexOrDecimal256)(chainID), VerifyingContract: contract.Hex(),
		},
		Message: apitypes.TypedDataMessage{"channelId": hexutil.Encode(channel[:]), "amount": amount.String()},
	}
	h, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestDigestMatchesGoEthereumEIP712(t *testing.T) {
	max256 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	for _, c := range []struct {
		chain  int64
		amount *big.Int
	}{
		{1337, big.NewInt(0)}, {1337, big.NewInt(1)}, {1, big.NewInt(1_000_000_000_000)},
		{8453, new(big.Int).Lsh(big.NewInt(1), 200)}, {31337, max256},
	} {
		d := NewDomain(big.NewInt(c.chain), testContract)
		got, err := d.Digest(testChannel, c.amount)
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(t, big.NewInt(c.chain), testContract, testChannel, c.amount); !bytes.Equal(got[:], want) {
			t.Errorf("chain %d amount %s: digest %x, go-ethereum says %x", c.chain, c.amount, got, want)
		}
	}
	d := NewDomain(big.NewInt(1337), testContract)
	for _, bad := range []*big.Int{nil, big.NewInt(-1), new(big.Int).Lsh(big.NewInt(1), 256)} {
		if _, err := d.Digest(testChannel, bad); err == nil {
			t.Errorf("amount %v accepted", bad)
		}
	}
}

func TestSignerStrictChecks(t *testing.T) {
	key, _ := crypto.GenerateKey()
	signer := crypto.PubkeyToAddress(key.PublicKey)
	d := NewDomain(big.NewInt(1337), testContract)
	v, err := d.Sign(key, testChannel, big.NewInt(12345))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := d.Signer(v); err != nil || got != signer {
		t.Fatalf("good voucher: %v %v", got, err)
	}

	mutate := func(f func(sig []byte) []byte) *Voucher {
		return &Voucher{Channel: v.Channel, Amount: v.Amount, Signature: f(bytes.Clone(v.Signature))}
	}
	// The high-s twin: (r, N−s) with v flipped is the same signature to a
	// lax verifier. Strict ones, and the contract, refuse it.
	n := crypto.S256().Params().N
	twin := mutate(func(sig []byte) []byte {
		s := new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:64]))
		s.FillBytes(sig[32:64])
		sig[64] = 27 + 28 - sig[64]
		return sig
	})
	if pub, err := crypto.Ecrecover(mustDigest(t, d, twin), append(bytes.Clone(twin.Signature[:64]), twin.Signature[64]-27)); err != nil ||
		common.BytesToAddress(crypto.Keccak256(pub[1:])[12:]) != signer {
		t.Fatal("test is wrong: the twin should fool plain Ecrecover")
	}
	for name, bad := range map[string]*Voucher{
		"high-s twin": twin,
		"v = 0":       mutate(func(sig []byte) []byte { sig[64] -= 27; return sig }),
		"v = 1":       mutate(func(sig []byte) []byte { sig[64] = 1; return sig }),
		"v = 29":      mutate(func(sig []byte) []byte { sig[64] = 29; return sig }),
		"64 bytes":    mutate(func(sig []byte) []byte { return sig[:64] }),
		"66 bytes":    mutate(func(sig []byte) []byte { return append(sig, 0) }),
		"empty":       mutate(func([]byte) []byte { return nil }),
		"r = 0":       mutate(func(sig []byte) []byte { clear(sig[:32]); return sig }),
		"s = 0":       mutate(func(sig []byte) []byte { clear(sig[32:64]); return sig }),
	} {
		if _, err := d.Signer(bad); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: %v, want ErrBadSignature", name, err)
		}
	}
	// Anything else bound into the digest changes who seems to have signed.
	other, _ := crypto.GenerateKey()
	wrongKey, _ := d.Sign(other, testChannel, big.NewInt(12345))
	for name, c := range map[string]struct {
		d *Domain
		v *Voucher
	}{
		"wrong key":        {d, wrongKey},
		"another channel":  {d, &Voucher{Channel: common.Hash{1}, Amount: v.Amount, Signature: v.Signature}},
		"another amount":   {d, &Voucher{Channel: v.Channel, Amount: big.NewInt(12346), Signature: v.Signature}},
		"another contract": {NewDomain(big.NewInt(1337), common.Address{9}), v},
		"another chain":    {NewDomain(big.NewInt(1), testContract), v},
	} {
		if got, err := c.d.Signer(c.v); err == nil && got == signer {
			t.Errorf("%s: verified as the channel's signer", name)
		}
	}
}

func mustDigest(t *testing.T, d *Domain, v *Voucher) []byte {
	h, err := d.Digest(v.Channel, v.Amount)
	if err != nil {
		t.Fatal(err)
	}
	return h[:]
}

// BenchmarkVerifyVoucher is the whole check a server does per voucher:
// strict signature checks, digest, recovery. Run with -cpu 1.
func BenchmarkVerifyVoucher(b *testing.B) {
	key, _ := crypto.GenerateKey()
	d := NewDomain(big.NewInt(1337), testContract)
	v, _ := d.Sign(key, testChannel, big.NewInt(1_000_000_000_000))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Signer(v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "vouchers/s")
}

func TestVerifier(t *testing.T) {
	key, _ := crypto.GenerateKey()
	other, _ := crypto.GenerateKey()
	signer := crypto.PubkeyToAddress(key.PublicKey)
	d := NewDomain(big.NewInt(1337), testContract)
	vf := &Verifier{Domain: d}
	good, _ := d.Sign(key, testChannel, big.NewInt(10))
	forged, _ := d.Sign(other, testChannel, big.NewInt(20))
	flipped := &Voucher{Channel: good.Channel, Amount: good.Amount, Signature: bytes.Clone(good.Signature)}
	flipped.Signature[64] = 27 + 28 - flipped.Signature[64] // valid r, s; the wrong v, which the contract would refuse
	for round := range 2 {                                  // the same answers the second time: nothing is remembered
		if err := vf.Verify(good, signer); err != nil {
			t.Fatalf("round %d: good voucher: %v", round, err)
		}
		for name, bad := range map[string]*Voucher{
			"forged":         forged,
			"v flipped":      flipped,
			"amount changed": {Channel: good.Channel, Amount: big.NewInt(11), Signature: good.Signature},
		} {
			if err := vf.Verify(bad, signer); err == nil {
				t.Errorf("round %d: %s voucher verified", round, name)
			}
		}
	}
}
