// Package chain is livegate's side of the payment-channel contract: typed
// calls over the abigen bindings, EIP-712 vouchers, a watcher that keeps
// confirmed channel state from the contract's events, and a settler that
// claims the best voucher of each channel before it expires. It knows
// nothing of HTTP or media.
package chain

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Voucher is a signer's promise: the channel may pay its payee Amount in
// total (cumulative, in wei). It is worth the increase over the best voucher
// held before.
type Voucher struct {
	Channel   common.Hash
	Amount    *big.Int
	Signature []byte // 65 bytes r‖s‖v, v 27 or 28, s in the lower half
}

// Refusals of a voucher's signature, before anything else is looked at.
var (
	ErrBadSignature = errors.New("bad signature")
	errSigLength    = fmt.Errorf("%w: want 65 bytes r||s||v", ErrBadSignature)
	errSigV         = fmt.Errorf("%w: v must be 27 or 28", ErrBadSignature)
	errSigValues    = fmt.Errorf("%w: r or s out of range, or s in the upper half (malleable)", ErrBadSignature)
	errAmount       = errors.New("amount must be a whole number of wei below 2^256")
)

// VoucherTypeHash is keccak256("Voucher(bytes32 channelId,uint256 amount)").
var VoucherTypeHash = crypto.Keccak256Hash([]byte("Voucher(bytes32 channelId,uint256 amount)"))

var domainTypeHash = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))

// Domain is the EIP-712 domain of one deployment of the contract:
// {name: "livegate", version: "1", chainId, verifyingContract}. It holds the
// domain separator computed once, so a digest costs two small hashes.
type Domain struct {
	ChainID   *big.Int
	Contract  common.Address
	separator common.Hash
}

// NewDomain computes the domain separator for a chain and contract.
func NewDomain(chainID *big.Int, contract common.Address) *Domain {
	var buf [5 * 32]byte
	copy(buf[0:], domainTypeHash[:])
	copy(buf[32:], crypto.Keccak256([]byte("livegate")))
	copy(buf[64:], crypto.Keccak256([]byte("1")))
	chainID.FillBytes(buf[96:128])
	copy(buf[128+12:], contract[:])
	return &Domain{ChainID: new(big.Int).Set(chainID), Contract: contract, separator: crypto.Keccak256Hash(buf[:])}
}

// Separator is the EIP-712 domain separator.
func (d *Domain) Separator() common.Hash { return d.separator }

// Digest is what a signer signs for a voucher:
// keccak256(0x1901 ‖ separator ‖ keccak256(typeHash ‖ channel ‖ amount)).
func (d *Domain) Digest(channel common.Hash, amount *big.Int) (common.Hash, error) {
	if amount == nil || amount.Sign() < 0 || amount.BitLen() > 256 {
		return common.Hash{}, errAmount
	}
	var buf [3 * 32]byte
	copy(buf[0:], VoucherTypeHash[:])
	copy(buf[32:], channel[:])
	amount.FillBytes(buf[64:])
	h := crypto.NewKeccakState()
	h.Write(buf[:])
	var structHash common.Hash
	_, _ = h.Read(structHash[:]) // a sponge reads without error
	h.Reset()
	var pre [2 + 32 + 32]byte
	pre[0], pre[1] = 0x19, 0x01
	copy(pre[2:], d.separator[:])
	copy(pre[34:], structHash[:])
	h.Write(pre[:])
	var out common.Hash
	_, _ = h.Read(out[:])
	return out, nil
}

// Sign makes a voucher signed by key.
func (d *Domain) Sign(key *ecdsa.PrivateKey, channel common.Hash, amount *big.Int) (*Voucher, error) {
	digest, err := d.Digest(channel, amount)
	if err != nil {
		return nil, err
	}
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		return nil, err
	}
	sig[64] += 27
	return &Voucher{Channel: channel, Amount: new(big.Int).Set(amount), Signature: sig}, nil
}

// Signer checks a voucher's signature strictly (see checkSignature) and
// returns who signed it.
func (d *Domain) Signer(v *Voucher) (common.Address, error) {
	digest, err := d.Digest(v.Channel, v.Amount)
	if err != nil {
		return common.Address{}, err
	}
	pub, err := recoverKey(digest, v.Signature)
	if err != nil {
		return common.Address{}, err
	}
	return common.BytesToAddress(crypto.Keccak256(pub[1:])[12:]), nil
}

// ErrWrongSignerKey is Verifier's answer for a well-formed voucher signed by
// someone other than the channel's signer.
var ErrWrongSignerKey = errors.New("voucher not signed by the channel's signer")

// Verifier checks vouchers against the signer a channel names.
//
// It recovers the signer from every voucher. Verifying (r, s) against a
// remembered public key would be about a tenth cheaper, but it ignores v,
// so a voucher with v flipped would pass here and fail in the contract:
// credit given for a voucher that cannot be claimed.
type Verifier struct {
	Domain *Domain
}

// Verify checks that v is strictly well-formed and signed by signer.
func (vf *Verifier) Verify(v *Voucher, signer common.Address) error {
	got, err := vf.Domain.Signer(v)
	if err != nil {
		return err
	}
	if got != signer {
		return ErrWrongSignerKey
	}
	return nil
}

// checkSignature refuses what the contract's ECDSA library refuses: not 65
// bytes, v other than 27 or 28, r or s out of range, s in the upper half
// (the malleable twin, which go-ethereum's Ecrecover would accept).
func checkSignature(sig []byte) error {
	if len(sig) != 65 {
		return errSigLength
	}
	if sig[64] != 27 && sig[64] != 28 {
		return errSigV
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	if !crypto.ValidateSignatureValues(sig[64]-27, r, s, true) {
		return errSigValues
	}
	return nil
}

// recoverKey checks a signature strictly and recovers the public key.
func recoverKey(digest common.Hash, sig []byte) ([]byte, error) {
	if err := checkSignature(sig); err != nil {
		return nil, err
	}
	var rsv [65]byte
	copy(rsv[:], sig)
	rsv[64] -= 27
	pub, err := crypto.Ecrecover(digest[:], rsv[:])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return pub, nil
}
