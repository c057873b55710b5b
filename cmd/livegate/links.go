package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"rsc.io/qr"

	"github.com/livegate/livegate/chain"
)

// linksPlan is what `livegate links` is asked to make.
type linksPlan struct {
	stream    string
	count     int
	deposit   *big.Int
	amount    string         // --deposit as given: in the stream's token when it has one
	token     common.Address // the stream's token; zero: ETH
	info      chain.TokenInfo
	expiry    time.Duration
	out       string
	base      string // the watch links' origin, e.g. https://stream.example.org
	rpc       string
	contract  common.Address
	payee     common.Address
	organizer *ecdsa.PrivateKey
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
	p := linksPlan{stream: *stream, count: *count, out: *out, amount: *deposit}
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
	if err := checkDeposit(*deposit); err != nil {
		return bad("--deposit: %v", err)
	}
	if p.expiry, err = parseDays(*expiry); err != nil || p.expiry < time.Hour {
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
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration((p.count+linksBatch-1)/linksBatch)*2*time.Minute+time.Minute)
	defer cancel()
	n, err := p.make(ctx, stdout, log)
	if n > 0 {
		fmt.Fprintf(stdout, "%d links in %s (links.csv, and links.html to print)\n", n, p.out)
	}
	return err
}

// parseAmount reads an amount of ether, or of wei or gwei with the unit.
func parseAmount(s string) (*big.Int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	scale := big.NewRat(1_000_000_000_000_000_000, 1)
	for _, u := range []struct {
		suffix string
		wei    int64
	}{{"gwei", 1_000_000_000}, {"wei", 1}, {"eth", 1_000_000_000_000_000_000}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, scale = strings.TrimSpace(v), big.NewRat(u.wei, 1)
			break
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() <= 0 {
		return nil, fmt.Errorf("want a positive amount such as 0.01 (ETH), 0.01eth, 50000gwei or 1000wei, not %q", s)
	}
	r.Mul(r, scale)
	if !r.IsInt() {
		return nil, fmt.Errorf("%q is not a whole number of wei", s)
	}
	return r.Num(), nil
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
		if s.Name == p.stream {
			known, p.token = true, addressOrZero(s.Token)
		}
	}
	if !known {
		return fmt.Errorf("--stream %q: livegate dev has no such stream", p.stream)
	}
	p.base, p.rpc = info.HTTP, info.RPC
	p.contract, p.payee = common.HexToAddress(info.Contract), common.HexToAddress(info.Payee)
	p.organizer = mustKey(state.OrganizerKey)
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
		if s.Name == p.stream {
			known, p.token = true, addressOrZero(s.Token)
		}
	}
	if !known {
		return fmt.Errorf("--stream %q is not in %s", p.stream, path)
	}
	if keyPath == "" {
		return errors.New("--key: the organizer's key file is required with --config")
	}
	payee, err := loadKey(cfg.Chain.Key)
	if err != nil {
		return err
	}
	if p.organizer, err = loadKey(keyPath); err != nil {
		return fmt.Errorf("--key: %w", err)
	}
	p.rpc, p.contract, p.payee = cfg.Chain.RPC, common.HexToAddress(cfg.Chain.Contract), crypto.PubkeyToAddress(payee.PublicKey)
	p.base = strings.TrimSuffix(base, "/")
	if p.base == "" {
		p.base = "http://" + advertised(cfg.HTTP)
	}
	return nil
}

// link is one prefunded viewer.
type link struct {
	N       int
	URL     string
	Address common.Address
	Key     string
	Channel common.Hash
	Deposit *big.Int
	Expiry  time.Time
	QR      template.URL // data: URL of the PNG
}

// linksBatch is how many channels one transaction opens (openMany):
// about 94,000 gas each in ETH, 117,000 in a token (BENCHMARKS.md), so
// a batch stays far below a block's gas limit.
const linksBatch = 200

// make opens the channels linksBatch at a time, one transaction each
// (openMany; a token's approval first). Each batch's burner keys are
// written to links.keys (and synced) before its transaction is sent, and
// their links to links.csv (synced) as soon as the channels exist: a
// failure half way, even between sending a transaction and seeing it
// mined, loses no key of a funded channel. The sheet is written at the
// end.
func (p *linksPlan) make(ctx context.Context, stdout io.Writer, log *slog.Logger) (int, error) {
	csvPath, keysPath := filepath.Join(p.out, "links.csv"), filepath.Join(p.out, "links.keys")
	for _, path := range []string{csvPath, keysPath} {
		if _, err := os.Stat(path); err == nil {
			return 0, fmt.Errorf("%s exists: its keys hold funded channels; choose another --out", path)
		}
	}
	rpc, err := ethclient.DialContext(ctx, p.rpc)
	if err != nil {
		return 0, fmt.Errorf("chain rpc %s: %w", p.rpc, err)
	}
	defer rpc.Close()
	client, err := chain.NewClient(ctx, rpc, p.contract)
	if err != nil {
		return 0, err
	}
	if p.info, err = client.Token(ctx, p.token); err != nil {
		return 0, fmt.Errorf("the stream's token: %w", err)
	}
	if p.deposit, err = parseDeposit(p.amount, p.info); err != nil {
		return 0, fmt.Errorf("--deposit: %w", err)
	}
	funder := crypto.PubkeyToAddress(p.organizer.PublicKey)
	need := new(big.Int).Mul(p.deposit, big.NewInt(int64(p.count)))
	if bal, err := client.TokenBalance(ctx, p.token, funder); err != nil {
		return 0, fmt.Errorf("chain rpc %s: %w", p.rpc, err)
	} else if bal.Cmp(need) < 0 {
		return 0, fmt.Errorf("the organizer %s holds %s, less than the %s the deposits need (plus gas)", funder, p.info.Format(bal), p.info.Format(need))
	}
	if err := os.MkdirAll(p.out, 0o700); err != nil {
		return 0, err
	}
	keys, err := os.OpenFile(keysPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	defer keys.Close()
	f, err := os.OpenFile(csvPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"n", "watch_url", "address", "private_key", "channel", "deposit", "expiry"})
	expiry := time.Now().Add(p.expiry).Truncate(time.Second)
	var links []link
	for from := 0; from < p.count; from += linksBatch {
		batch := make([]link, 0, linksBatch)
		var signers []common.Address
		var deposits []*big.Int
		for i := from; i < min(from+linksBatch, p.count); i++ {
			k, err := crypto.GenerateKey()
			if err != nil {
				return len(links), err
			}
			signer := crypto.PubkeyToAddress(k.PublicKey)
			l := link{N: i + 1, Address: signer, Key: hexutil.Encode(crypto.FromECDSA(k)), Deposit: p.deposit, Expiry: expiry}
			if _, err := fmt.Fprintf(keys, "%s %s\n", signer.Hex(), l.Key); err != nil {
				return len(links), err
			}
			batch, signers, deposits = append(batch, l), append(signers, signer), append(deposits, p.deposit)
		}
		if err := keys.Sync(); err != nil {
			return len(links), err
		}
		ids, rc, err := client.OpenMany(ctx, p.organizer, p.token, p.payee, expiry, signers, deposits)
		if err != nil {
			return len(links), fmt.Errorf("opening channels %d to %d of %d (their keys are in %s: the channels may exist): %w",
				from+1, from+len(batch), p.count, keysPath, err)
		}
		for i := range batch {
			l := &batch[i]
			l.Channel = ids[i]
			l.URL = fmt.Sprintf("%s/watch/%s#k=%s&c=%s", p.base, url.PathEscape(p.stream), l.Key, l.Channel.Hex())
			_ = w.Write([]string{strconv.Itoa(l.N), l.URL, l.Address.Hex(), l.Key, l.Channel.Hex(), p.info.Format(p.deposit), expiry.UTC().Format(time.RFC3339)})
		}
		if w.Flush(); w.Error() != nil {
			return len(links), w.Error()
		}
		if err := f.Sync(); err != nil {
			return len(links), err
		}
		links = append(links, batch...)
		log.Info("links: channels opened", "from", from+1, "to", from+len(batch), "tx", rc.TxHash, "gas", rc.GasUsed)
	}
	return len(links), p.sheet(links)
}

// checkDeposit refuses a --deposit that is no amount at all, before the
// chain says what the stream is priced in: an amount of ETH parseAmount
// reads, or a positive number with a token's symbol or none.
func checkDeposit(s string) error {
	_, err := parseAmount(s)
	if err == nil {
		return nil
	}
	v := strings.ToLower(strings.TrimSpace(s))
	if strings.HasSuffix(v, "eth") || strings.HasSuffix(v, "wei") {
		return err
	}
	v = strings.TrimRightFunc(v, func(r rune) bool { return r >= 'a' && r <= 'z' })
	if r, ok := new(big.Rat).SetString(strings.TrimSpace(v)); !ok || r.Sign() <= 0 {
		return err
	}
	return nil
}

// parseDeposit reads --deposit: ETH as parseAmount does, or a token's
// amount in whole tokens (10, 0.5, with or without its symbol).
func parseDeposit(s string, t chain.TokenInfo) (*big.Int, error) {
	if t.Address == (common.Address{}) {
		return parseAmount(s)
	}
	v := strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(strings.ToLower(v), strings.ToLower(t.Symbol)); ok && t.Symbol != "" {
		v = strings.TrimSpace(n)
	}
	r, ok := new(big.Rat).SetString(v)
	if !ok || r.Sign() <= 0 {
		return nil, fmt.Errorf("want a positive amount of %s such as 10, not %q", t.Symbol, s)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(t.Decimals)), nil)))
	if !r.IsInt() {
		return nil, fmt.Errorf("%q has more decimals than %s's %d", s, t.Symbol, t.Decimals)
	}
	return r.Num(), nil
}

// sheet writes links.html: a printable page of cards, a QR code and the
// terms on each.
func (p *linksPlan) sheet(links []link) error {
	for i := range links {
		code, err := qr.Encode(links[i].URL, qr.M)
		if err != nil {
			return fmt.Errorf("qr code: %w", err)
		}
		code.Scale = 4
		links[i].QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG()))
	}
	f, err := os.OpenFile(filepath.Join(p.out, "links.html"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = sheetTemplate.Execute(f, map[string]any{
		"Stream": p.stream, "Links": links, "Deposit": p.info.Format(p.deposit), "Expiry": links[0].Expiry.UTC().Format("2 Jan 2006 15:04 MST"),
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

var sheetTemplate = template.Must(template.New("sheet").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Watch {{.Stream}}: prefunded links</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 12mm; color: #111; }
h1 { font-size: 18px; margin: 0 0 4mm; }
.grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6mm; }
.card { border: 1px dashed #999; padding: 4mm; text-align: center; break-inside: avoid; }
.card img { width: 42mm; height: 42mm; image-rendering: pixelated; }
.card a { display: block; font-size: 8px; word-break: break-all; color: #555; text-decoration: none; margin-top: 2mm; }
.n { float: right; color: #999; }
@media print { body { margin: 8mm; } .note { display: none; } }
</style></head><body>
<h1>Watch <strong>{{.Stream}}</strong>: scan and play, already paid</h1>
<p class="note">Each code holds a key to a channel of {{.Deposit}} until {{.Expiry}}. Print, cut along the lines, hand out. Keep this sheet private: anyone holding a code can spend its deposit.</p>
<div class="grid">
{{range .Links}}<div class="card"><span class="n">#{{.N}}</span>
<div><img src="{{.QR}}" alt="QR code for link {{.N}}"></div>
<div>Scan to watch <strong>{{$.Stream}}</strong><br>{{$.Deposit}} of viewing, until {{$.Expiry}}</div>
<a href="{{.URL}}">{{.URL}}</a></div>
{{end}}</div>
</body></html>
`))
