// Package devchain runs an Ethereum chain inside the livegate process for
// `livegate dev` and for tests that need a JSON-RPC endpoint: go-ethereum's
// own node with its simulated beacon in "mine on demand" mode (a block as
// soon as a transaction arrives), as `geth --dev` runs, serving JSON-RPC
// over HTTP on loopback with CORS open so a browser wallet can use it.
package devchain

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/livegate/livegate/chain"
)

// Config says where the chain listens, keeps its data and who holds ether.
type Config struct {
	// Addr is the HTTP JSON-RPC listen address, host:port on loopback
	// (port 0 picks one).
	Addr string
	// DataDir keeps the chain across restarts; "" keeps it in memory.
	DataDir string
	// Alloc funds accounts in the genesis block. With a DataDir, it must be
	// the same on every start (the genesis is stored).
	Alloc types.GenesisAlloc
}

// Chain is a running dev chain.
type Chain struct {
	// URL is the JSON-RPC endpoint, http://host:port.
	URL     string
	ChainID *big.Int
	// Client talks to the node in-process.
	Client *ethclient.Client

	stack *node.Node
}

// Start starts the chain. The chain id is 1337, the fork Osaka (see
// chain.DevChainConfig).
func Start(cfg Config) (*Chain, error) {
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("devchain: listen address %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("devchain: port %q: %w", portStr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, errors.New("devchain: JSON-RPC must listen on loopback: its accounts are unlocked test keys")
	}
	stack, err := node.New(&node.Config{
		Name:             "livegate-dev",
		DataDir:          cfg.DataDir,
		HTTPHost:         host,
		HTTPPort:         port,
		HTTPModules:      []string{"eth", "net", "web3"},
		HTTPCors:         []string{"*"},
		HTTPVirtualHosts: []string{"*"},
		P2P:              p2p.Config{NoDiscovery: true, MaxPeers: 0, ListenAddr: ""},
	})
	if err != nil {
		return nil, fmt.Errorf("devchain: %w", err)
	}
	alloc := core.SystemContractAllocs() // the system contracts the forks call into
	maps.Copy(alloc, cfg.Alloc)
	ec := ethconfig.Defaults
	ec.Genesis = &core.Genesis{Config: chain.DevChainConfig(), GasLimit: ethconfig.Defaults.Miner.GasCeil, Alloc: alloc}
	ec.SyncMode = ethconfig.FullSync
	// No log index: a dev chain is small enough to search unindexed, and
	// building the index on a restart takes seconds (half a minute under
	// the race detector).
	ec.LogNoHistory = true
	backend, err := eth.New(stack, &ec)
	if err != nil {
		_ = stack.Close()
		return nil, fmt.Errorf("devchain: %w (delete %s to start a fresh chain)", err, cfg.DataDir)
	}
	fs := filters.NewFilterSystem(backend.APIBackend, filters.Config{})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(fs)}})
	beacon, err := catalyst.NewSimulatedBeacon(0, common.Address{}, backend)
	if err != nil {
		_ = stack.Close()
		return nil, fmt.Errorf("devchain: %w", err)
	}
	catalyst.RegisterSimulatedBeaconAPIs(stack, beacon) // period 0: a block per transaction
	stack.RegisterLifecycle(beacon)
	if err := stack.Start(); err != nil {
		_ = stack.Close()
		return nil, fmt.Errorf("devchain: %w", err)
	}
	return &Chain{
		URL:     stack.HTTPEndpoint(),
		ChainID: ec.Genesis.Config.ChainID,
		Client:  ethclient.NewClient(stack.Attach()),
		stack:   stack,
	}, nil
}

// Close stops the node.
func (c *Chain) Close() error {
	c.Client.Close()
	return c.stack.Close()
}
