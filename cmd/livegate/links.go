package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/provision"
)

// linksPlan is what `livegate links` is asked to make (provision.Links)
// and the chain it is made on.
type linksPlan struct {
	provision.Links
	rpc      string
	contract common.Address
}

// runLinks prefunds viewers: it opens count channels from the organizer's
// key, each for a fresh burner key, and writes their watch links as a CSV
// and as a printable sheet of QR codes (and every key made to
// links.keys, first).
func runLinks(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("links", flag.ContinueOnError)
	stream := fs.String("stream", "", "the stream the links watch")
	count := fs.Int("count", 0, "how many links (channels) to make, 1 to 10000")
	deposit := fs.String("deposit", "", "each channel's deposit: ETH (0.01), or with a unit (0.01eth, 50000gwei, 1000wei); for a stream priced in a token, in that token (10 for 10 USDL)")
	expiry := fs.String("expiry", "7d", "how long the channels live (48h, 7d); the organizer can reclaim what is left after")
	out := fs.String("out", "", "directory for links.csv and links.html (created; existing links are never overwritten)")
	cfgPath := fs.String("config", "", "the server's configuration (chain.rpc, chain.contract, chain.key for the payee)")
	keyPath := fs.String("key", "", "the organizer's key file (hex), which pays the deposits, with --config")
	base := fs.String("url", "", "the server's public address for the links, with --config (default: http://{http})")
	data := fs.String("data", "", "the data directory of a running `livegate dev` (its organizer pays)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s\n%w: livegate links --stream NAME --count N --deposit AMOUNT --expiry DURATION --out DIR (--config livegate.yml --key organizer.key [--url URL] | --data DIR)",
			fmt.Sprintf(format, a...), errUsage)
	}
	p := linksPlan{Links: provision.Links{Stream: *stream, Count: *count, Out: *out, Amount: *deposit}}
	var err error
	switch {
	case *stream == "":
		return bad("--stream is required")
	case *count < 1 || *count > 10000:
		return bad("--count must be 1 to 10000, not %d", *count)
	case *out == "":
		return bad("--out is required")
	case (*cfgPath == "") == (*data == ""):
		return bad("give either --config (with --key) or --data")
	}
	if err := provision.CheckDeposit(*deposit); err != nil {
		return bad("--deposit: %v", err)
	}
	if p.Expiry, err = parseDays(*expiry); err != nil || p.Expiry < time.Hour {
		return bad("--expiry: want a duration of at least 1h such as 48h or 7d, not %q", *expiry)
	}
	if *data != "" {
		err = p.fromDev(*data)
	} else {
		err = p.fromConfig(*cfgPath, *keyPath, *base)
	}
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration((p.Count+provision.Batch-1)/provision.Batch)*2*time.Minute+time.Minute)
	defer cancel()
	n, err := p.make(ctx, log)
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "%d links in %s (links.csv, and links.html to print)\n", n, p.Out)
	case n > 0:
		fmt.Fprintf(stdout, "%d links made before the failure, in %s/links.csv (no sheet); every key made is in links.keys\n", n, p.Out)
	}
	return err
}

// make connects to the chain and makes the links.
func (p *linksPlan) make(ctx context.Context, log *slog.Logger) (int, error) {
	rpc, err := ethclient.DialContext(ctx, p.rpc)
	if err != nil {
		return 0, fmt.Errorf("chain rpc %s: %w", p.rpc, err)
	}
	defer rpc.Close()
	if p.Client, err = chain.NewClient(ctx, rpc, p.contract); err != nil {
		return 0, err
	}
	return p.Make(ctx, log)
}

// parseDays is time.ParseDuration that also takes days ("7d").
func parseDays(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("bad days %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// fromDev takes the chain, the contract, the payee and the organizer's key
// from a running `livegate dev`.
func (p *linksPlan) fromDev(dir string) error {
	var info devInfo
	b, err := os.ReadFile(filepath.Join(dir, "dev.json"))
	if err != nil {
		return fmt.Errorf("is livegate dev running on %s? %w", dir, err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "dev.json"), err)
	}
	state, err := loadDevState(dir)
	if err != nil {
		return err
	}
	known := false
	for _, s := range info.Streams {
		if s.Name == p.Stream {
			known, p.Token = true, addressOrZero(s.Token)
		}
	}
	if !known {
		return fmt.Errorf("--stream %q: livegate dev has no such stream", p.Stream)
	}
	p.Base, p.rpc = info.HTTP, info.RPC
	p.contract, p.Payee = common.HexToAddress(info.Contract), common.HexToAddress(info.Payee)
	p.Organizer = mustKey(state.OrganizerKey)
	return nil
}

// fromConfig takes the chain from the server's configuration, the payee
// from its key, and the organizer's key from its own file.
func (p *linksPlan) fromConfig(path, keyPath, base string) error {
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	if cfg.Chain.RPC == "" {
		return errors.New("chain: is not configured: links pay through a chain")
	}
	known := false
	for _, s := range cfg.Streams {
		if s.Name == p.Stream {
			known, p.Token = true, addressOrZero(s.Token)
		}
	}
	if !known {
		return fmt.Errorf("--stream %q is not in %s", p.Stream, path)
	}
	if keyPath == "" {
		return errors.New("--key: the organizer's key file is required with --config")
	}
	payee, err := loadKey(cfg.Chain.Key)
	if err != nil {
		return err
	}
	if p.Organizer, err = loadKey(keyPath); err != nil {
		return fmt.Errorf("--key: %w", err)
	}
	p.rpc, p.contract, p.Payee = cfg.Chain.RPC, common.HexToAddress(cfg.Chain.Contract), crypto.PubkeyToAddress(payee.PublicKey)
	p.Base = strings.TrimSuffix(base, "/")
	if p.Base == "" {
		p.Base = "http://" + advertised(cfg.HTTP)
	}
	return nil
}
