package devchain

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
)

// Contracts is what a dev chain runs of livegate: the channel contract and
// the test stablecoin (USDL, 6 decimals, permit) beside it, so a demo
// stream can be priced in dollars as well as in ETH.
type Contracts struct {
	Channels   *chain.Client
	Stablecoin common.Address
	// Fresh say which were deployed now rather than found: channels of a
	// contract that is gone (a fresh chain) must be opened again.
	FreshChannels, FreshStablecoin bool
}

// StablecoinSymbol is the test stablecoin's symbol, by which Deploy
// recognises it at a remembered address.
const StablecoinSymbol = "USDL"

// Deploy makes sure the chain has both contracts. It binds to those at
// channels and stablecoin when they are there (a chain kept across
// restarts; zero addresses when none were deployed yet) and deploys what
// is missing, with key paying and minting.
func (c *Chain) Deploy(ctx context.Context, key *ecdsa.PrivateKey, channels, stablecoin common.Address) (*Contracts, error) {
	out := &Contracts{Stablecoin: stablecoin}
	var err error
	if channels != (common.Address{}) {
		out.Channels, err = chain.NewClient(ctx, c.Client, channels)
	}
	if out.Channels == nil || err != nil {
		if out.Channels, err = chain.Deploy(ctx, c.Client, key, nil); err != nil {
			return nil, fmt.Errorf("devchain: deploying the channel contract: %w", err)
		}
		out.FreshChannels = true
	}
	if stablecoin != (common.Address{}) {
		if info, err := out.Channels.Token(ctx, stablecoin); err == nil && info.Symbol == StablecoinSymbol {
			return out, nil
		}
	}
	if out.Stablecoin, err = out.Channels.DeployStablecoin(ctx, key); err != nil {
		return nil, fmt.Errorf("devchain: %w", err)
	}
	out.FreshStablecoin = true
	return out, nil
}

// Fund brings each account's stablecoin balance up to amount (smallest
// units), minting the difference with key, the stablecoin's deployer:
// demo viewers start every run with the same money, never inflated.
func (ct *Contracts) Fund(ctx context.Context, key *ecdsa.PrivateKey, amount *big.Int, accounts ...common.Address) error {
	for _, a := range accounts {
		have, err := ct.Channels.TokenBalance(ctx, ct.Stablecoin, a)
		if err != nil {
			return fmt.Errorf("devchain: stablecoin balance of %s: %w", a, err)
		}
		if have.Cmp(amount) >= 0 {
			continue
		}
		if err := ct.Channels.MintStablecoin(ctx, key, ct.Stablecoin, a, new(big.Int).Sub(amount, have)); err != nil {
			return fmt.Errorf("devchain: funding %s: %w", a, err)
		}
	}
	return nil
}
