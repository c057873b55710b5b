package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/paywall"
)

// settlementJSON is one claim, as /admin/settle and `livegate settle` show it.
type settlementJSON struct {
	Channel string `json:"channel"`
	Amount  string `json:"amount"`
	Paid    string `json:"paid"`
	// PaidText is Paid for people: in the channel's asset, "0.03 USDL".
	PaidText string `json:"paidText"`
	Tx       string `json:"tx,omitempty"`
	Error    string `json:"error,omitempty"`
}

func (p *payments) settlementsJSON(ss []chain.Settlement) []settlementJSON {
	out := []settlementJSON{}
	assets := map[common.Address]paywall.Asset{{}: paywall.ETH}
	for _, t := range p.gate.Streams {
		assets[t.Token.Address] = t.Token.Or()
	}
	for _, s := range ss {
		a := paywall.ETH
		if ch, ok := p.watcher.Channel(s.Channel); ok {
			if a, ok = assets[ch.Token]; !ok {
				a = paywall.Asset{Address: ch.Token, Symbol: "units of " + ch.Token.Hex()}
			}
		}
		info := chain.TokenInfo{Address: a.Address, Symbol: a.Symbol, Decimals: a.Decimals}
		j := settlementJSON{Channel: s.Channel.Hex(), Amount: s.Amount.String(), Paid: s.Paid.String(), PaidText: info.Format(s.Paid)}
		if s.Err != nil {
			j.Error = s.Err.Error()
		} else {
			j.Tx = s.Tx.Hex()
		}
		out = append(out, j)
	}
	return out
}

// runSettle claims every channel's best voucher now. It asks the running
// server (which holds the ledger) through POST /admin/settle; with a
// config and no server running, it opens the ledger and settles itself.
func runSettle(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("settle", flag.ContinueOnError)
	path := fs.String("config", "", "the server's configuration file")
	data := fs.String("data", "", "the data directory of a running `livegate dev`")
	if err := fs.Parse(args); err != nil || (*path == "") == (*data == "") {
		fmt.Fprintln(fs.Output(), "usage: livegate settle --config livegate.yml | --data DIR")
		return errUsage
	}
	var base, token string
	var cfg Config
	if *data != "" {
		var info devInfo
		b, err := os.ReadFile(filepath.Join(*data, "dev.json"))
		if err != nil {
			return fmt.Errorf("is livegate dev running on %s? %w", *data, err)
		}
		if err := json.Unmarshal(b, &info); err != nil {
			return err
		}
		base, token = info.HTTP, info.AdminToken
	} else {
		var err error
		if cfg, err = loadConfig(*path); err != nil {
			return err
		}
		if cfg.Chain.RPC == "" {
			return errors.New("chain: is not configured: nothing to settle")
		}
		base, token = "http://"+advertised(cfg.HTTP), cfg.Admin.Token
	}
	out, err := settleRemote(base, token)
	if errors.Is(err, errNotRunning) && *path != "" {
		out, err = settleLocal(cfg, log)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(out)
}

var errNotRunning = errors.New("server not running")

func settleRemote(base, token string) (map[string]any, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/admin/settle", bytes.NewReader(nil))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 3 * time.Minute}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", errNotRunning, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("%s/admin/settle: %s: %s", base, resp.Status, bytes.TrimSpace(b))
	}
	var out map[string]any
	return out, json.NewDecoder(resp.Body).Decode(&out)
}

func settleLocal(cfg Config, log *slog.Logger) (map[string]any, error) {
	p, err := startPayments(cfg, log)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	done, err := p.settleAll(ctx)
	out := map[string]any{"settlements": p.settlementsJSON(done)}
	if err != nil {
		out["error"] = err.Error()
	}
	return out, nil
}
