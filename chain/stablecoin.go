package chain

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain/bindings"
)

// DeployStablecoin deploys the test stablecoin (USDL: 6 decimals, EIP-2612
// permit, as USDC has) on the client's chain with key as its minter. For
// dev chains and tests: the token is worth nothing anywhere.
func (c *Client) DeployStablecoin(ctx context.Context, key *ecdsa.PrivateKey) (common.Address, error) {
	opts, err := c.opts(ctx, key, nil)
	if err != nil {
		return common.Address{}, err
	}
	_, tx, _, err := bindings.DeployTestStablecoin(opts, c.Backend)
	if err != nil {
		return common.Address{}, fmt.Errorf("deploying the test stablecoin: %w", err)
	}
	if _, err := c.wait(ctx, tx); err != nil {
		return common.Address{}, fmt.Errorf("deploying the test stablecoin: %w", err)
	}
	return crypto.CreateAddress(opts.From, tx.Nonce()), nil
}

// MintStablecoin mints amount of the test stablecoin at token to account;
// key must be the token's deployer.
func (c *Client) MintStablecoin(ctx context.Context, key *ecdsa.PrivateKey, token, account common.Address, amount *big.Int) error {
	t, err := bindings.NewTestStablecoin(token, c.Backend)
	if err != nil {
		return err
	}
	_, err = c.send(ctx, "mint", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return t.Mint(o, account, amount)
	})
	return err
}
