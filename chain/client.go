package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/livegate/livegate/chain/bindings"
)

// Backend is what the client needs of a node: an *ethclient.Client for a
// real chain, or ethclient/simulated's client in tests.
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
	ethereum.ChainIDReader
	ethereum.BlockNumberReader
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
}

// Channel is a channel's state on chain. A zero Payee means no channel.
// Amounts are in the smallest unit of the channel's token (wei for ETH).
type Channel struct {
	ID      common.Hash
	Funder  common.Address
	Signer  common.Address
	Payee   common.Address
	Token   common.Address // the ERC-20 the channel pays in; zero: ETH
	Expiry  time.Time
	Deposit *big.Int // everything paid in
	Claimed *big.Int // everything paid out (to the payee; after a reclaim, equal to Deposit)
}

// Remaining is what vouchers can still draw.
func (c *Channel) Remaining() *big.Int { return new(big.Int).Sub(c.Deposit, c.Claimed) }

// Client makes typed calls to one deployment of the channel contract.
type Client struct {
	Backend  Backend
	Address  common.Address
	ChainID  *big.Int
	Domain   *Domain
	contract *bindings.Channels
	// Mine, when set, is called after each transaction is sent: the
	// simulated backend makes blocks only when told to.
	Mine func()
	// PollInterval bounds how often a receipt is polled for (default 1 s;
	// polling starts at 5 ms and backs off to it).
	PollInterval time.Duration
}

// Errors the contract answers with, for callers to act on. Client methods
// return a *RevertError that unwraps to one of these.
var (
	ErrUnknownChannel    = errors.New("unknown channel")
	ErrNotFunder         = errors.New("only the channel's funder may do this")
	ErrNotPayee          = errors.New("only the channel's payee may claim")
	ErrChannelExpired    = errors.New("channel expired")
	ErrChannelNotExpired = errors.New("channel has not expired yet")
	ErrAboveDeposit      = errors.New("voucher above the deposit")
	ErrNothingToClaim    = errors.New("voucher not above what was claimed")
	ErrWrongSigner       = errors.New("voucher not signed by the channel's signer")
	ErrExpiryNotLater    = errors.New("expiry must be later")
	ErrZeroDeposit       = errors.New("deposit must not be zero")
	ErrReentrant         = errors.New("re-entrant call")
	ErrTransferFailed    = errors.New("transfer failed")
	ErrDepositTooLarge   = errors.New("deposit above 2^128-1")
	ErrWrongToken        = errors.New("channel pays in another token")
	ErrFeeOnTransfer     = errors.New("token took a fee on the deposit: fee-on-transfer tokens are refused")
	ErrPermitFailed      = errors.New("permit refused and no allowance: sign it again")
	ErrReverted          = errors.New("transaction reverted")
)

var revertSentinels = map[string]error{
	"UnknownChannel": ErrUnknownChannel, "NotFunder": ErrNotFunder, "NotPayee": ErrNotPayee,
	"ChannelExpired": ErrChannelExpired, "ChannelNotExpired": ErrChannelNotExpired,
	"AboveDeposit": ErrAboveDeposit, "NothingToClaim": ErrNothingToClaim, "WrongSigner": ErrWrongSigner,
	"ExpiryNotLater": ErrExpiryNotLater, "ZeroDeposit": ErrZeroDeposit, "TransferFailed": ErrTransferFailed,
	"ReentrancyGuardReentrantCall": ErrReentrant, "BadSignature": ErrBadSignature,
	"DepositTooLarge": ErrDepositTooLarge, "WrongToken": ErrWrongToken, "FeeOnTransfer": ErrFeeOnTransfer,
	"PermitFailed": ErrPermitFailed, "SafeERC20FailedOperation": ErrTransferFailed,
}

// RevertError is the contract's refusal, decoded from its custom error.
type RevertError struct {
	Name string
	Args []any
	err  error
}

func (e *RevertError) Error() string {
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = fmt.Sprint(a)
	}
	return fmt.Sprintf("contract refused: %s(%s)", e.Name, strings.Join(args, ", "))
}

func (e *RevertError) Unwrap() error { return e.err }

var channelsABI, _ = bindings.ChannelsMetaData.GetAbi()

// decodeRevert turns an RPC error carrying revert data into a RevertError.
func decodeRevert(err error) error {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return err
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return err
	}
	data, derr := hexutil.Decode(s)
	if derr != nil || len(data) < 4 {
		return err
	}
	if re := revertOf(data); re != nil {
		return re
	}
	return err
}

// revertOf decodes the contract's custom error from its ABI encoding (a
// selector, then the arguments); nil for an error the contract does not
// declare.
func revertOf(data []byte) *RevertError {
	if len(data) < 4 {
		return nil
	}
	for name, e := range channelsABI.Errors {
		if [4]byte(e.ID[:4]) != [4]byte(data[:4]) {
			continue
		}
		args, _ := e.Inputs.Unpack(data[4:])
		sentinel := revertSentinels[name]
		if sentinel == nil {
			sentinel = ErrReverted
		}
		return &RevertError{Name: name, Args: args, err: sentinel}
	}
	return nil
}

// NewClient binds to the contract at address. It checks that code is there.
func NewClient(ctx context.Context, backend Backend, address common.Address) (*Client, error) {
	chainID, err := backend.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("chain id: %w", err)
	}
	code, err := backend.CodeAt(ctx, address, nil)
	if err != nil {
		return nil, fmt.Errorf("reading the contract: %w", err)
	}
	if len(code) == 0 {
		return nil, fmt.Errorf("no contract at %s on chain %s", address, chainID)
	}
	contract, err := bindings.NewChannels(address, backend)
	if err != nil {
		return nil, err
	}
	return &Client{Backend: backend, Address: address, ChainID: chainID, Domain: NewDomain(chainID, address), contract: contract}, nil
}

// Deploy deploys the contract with key paying, and binds to it.
func Deploy(ctx context.Context, backend Backend, key *ecdsa.PrivateKey, mine func()) (*Client, error) {
	chainID, err := backend.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("chain id: %w", err)
	}
	c := &Client{Backend: backend, ChainID: chainID, Mine: mine}
	opts, err := c.opts(ctx, key, nil)
	if err != nil {
		return nil, err
	}
	_, tx, _, err := bindings.DeployChannels(opts, backend)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", decodeRevert(err))
	}
	if _, err := c.wait(ctx, tx); err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	d, err := NewClient(ctx, backend, crypto.CreateAddress(opts.From, tx.Nonce()))
	if err != nil {
		return nil, err
	}
	d.Mine, d.PollInterval = mine, c.PollInterval
	return d, nil
}

func (c *Client) opts(ctx context.Context, key *ecdsa.PrivateKey, value *big.Int) (*bind.TransactOpts, error) {
	opts, err := bind.NewKeyedTransactorWithChainID(key, c.ChainID)
	if err != nil {
		return nil, err
	}
	opts.Context = ctx
	opts.Value = value
	return opts, nil
}

// send runs one transaction and waits for its receipt. A refusal the node
// finds while estimating gas comes back as a *RevertError.
func (c *Client) send(ctx context.Context, what string, key *ecdsa.PrivateKey, value *big.Int,
	call func(*bind.TransactOpts) (*types.Transaction, error)) (*types.Receipt, error) {
	opts, err := c.opts(ctx, key, value)
	if err != nil {
		return nil, err
	}
	tx, err := call(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, decodeRevert(err))
	}
	rc, err := c.wait(ctx, tx)
	if err != nil {
		return rc, fmt.Errorf("%s: %w", what, err)
	}
	return rc, nil
}

func (c *Client) wait(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
	if c.Mine != nil {
		c.Mine()
	}
	limit := c.PollInterval
	if limit <= 0 {
		limit = time.Second
	}
	failures := 0
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, limit) {
		rc, err := c.Backend.TransactionReceipt(ctx, tx.Hash())
		switch {
		case err == nil:
			if rc.Status != types.ReceiptStatusSuccessful {
				return rc, fmt.Errorf("%w in block %d (tx %s)", ErrReverted, rc.BlockNumber, tx.Hash())
			}
			// A node may index a block's receipts a moment before it makes
			// the block its head (geth's dev mode does): wait for the head,
			// so what the caller reads next at "latest" includes the change.
			if head, err := c.Backend.BlockNumber(ctx); err == nil && head >= rc.BlockNumber.Uint64() {
				return rc, nil
			}
		case errors.Is(err, ethereum.NotFound), strings.Contains(err.Error(), "indexing is in progress"):
		default:
			// A node that stumbles (a restart, a load balancer) gets a few
			// more tries: the transaction is out there either way.
			if failures++; failures > 10 {
				return nil, fmt.Errorf("waiting for %s: %w", tx.Hash(), err)
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s: %w", tx.Hash(), ctx.Err())
		case <-time.After(delay):
		}
	}
}

// Open opens a channel paying payee on vouchers from signer, funded by key
// with deposit, until expiry. It returns the channel's id.
func (c *Client) Open(ctx context.Context, key *ecdsa.PrivateKey, signer, payee common.Address, expiry time.Time, deposit *big.Int) (common.Hash, *types.Receipt, error) {
	rc, err := c.send(ctx, "open", key, deposit, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.Open(o, signer, payee, uint64(expiry.Unix()))
	})
	if err != nil {
		return common.Hash{}, rc, err
	}
	for _, l := range rc.Logs {
		if ev, err := c.contract.ParseOpened(*l); err == nil {
			return ev.ChannelId, rc, nil
		}
	}
	return common.Hash{}, rc, errors.New("open: no Opened event in the receipt")
}

// TopUp adds amount to a channel.
func (c *Client) TopUp(ctx context.Context, key *ecdsa.PrivateKey, id common.Hash, amount *big.Int) (*types.Receipt, error) {
	return c.send(ctx, "top up", key, amount, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.TopUp(o, id)
	})
}

// Extend moves a channel's expiry later.
func (c *Client) Extend(ctx context.Context, key *ecdsa.PrivateKey, id common.Hash, expiry time.Time) (*types.Receipt, error) {
	return c.send(ctx, "extend", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.Extend(o, id, uint64(expiry.Unix()))
	})
}

// Claim redeems a voucher; key must be the channel's payee.
func (c *Client) Claim(ctx context.Context, key *ecdsa.PrivateKey, v *Voucher) (*types.Receipt, error) {
	return c.send(ctx, "claim", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.Claim(o, v.Channel, v.Amount, v.Signature)
	})
}

// Reclaim returns an expired channel's unclaimed deposit to its funder.
func (c *Client) Reclaim(ctx context.Context, key *ecdsa.PrivateKey, id common.Hash) (*types.Receipt, error) {
	return c.send(ctx, "reclaim", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.Reclaim(o, id)
	})
}

// Channel reads a channel at block (nil: the latest).
func (c *Client) Channel(ctx context.Context, id common.Hash, block *big.Int) (*Channel, error) {
	ch, err := c.contract.Channel(&bind.CallOpts{Context: ctx, BlockNumber: block}, id)
	if err != nil {
		return nil, err
	}
	return &Channel{
		ID: id, Funder: ch.Funder, Signer: ch.Signer, Payee: ch.Payee, Token: ch.Token,
		Expiry: time.Unix(int64(ch.Expiry), 0), Deposit: ch.Deposit, Claimed: ch.Claimed,
	}, nil
}

// Contract exposes the raw binding (event parsing, filters).
func (c *Client) Contract() *bindings.Channels { return c.contract }

// ABI is the contract's ABI.
func ABI() *abi.ABI { return channelsABI }

// channelsFilterer parses the contract's events without a backend.
var channelsFilterer, _ = bindings.NewChannelsFilterer(common.Address{}, nil)
