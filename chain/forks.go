package chain

import "github.com/ethereum/go-ethereum/params"

// DevChainConfig is go-ethereum's dev-chain configuration stopped at
// Osaka, the fork mainnet runs. go-ethereum v1.17.8's dev config also turns
// on Bogota, an unreleased fork whose state-gas repricing (EIP-8037) makes
// every new storage slot cost several times more: gas figures measured on
// it would say nothing about a real chain.
func DevChainConfig() *params.ChainConfig {
	c := *params.AllDevChainProtocolChanges
	c.AmsterdamTime = nil
	c.BogotaTime = nil
	return &c
}
