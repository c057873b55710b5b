// Package provision makes what an organizer hands out before an event:
// prefunded links (a channel for each fresh burner key, opened 100 to a
// transaction), in ETH or in a stream's token, with their CSV and a
// printable sheet of QR codes. cmd/livegate reads the flags and the
// configuration and wires it (`livegate links`).
package provision

import (
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html/template"
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
	"rsc.io/qr"

	"github.com/livegate/livegate/chain"
)

// Links is what to make: Count links to Stream at Base, each a channel of
// Amount (ETH, or Token's units when Token is set) from Organizer to
// Payee, expiring after Expiry, written into Out.
type Links struct {
	Client    *chain.Client
	Stream    string
	Count     int
	Amount    string         // as a person writes it: 0.01, 50000gwei, 10 (of the token)
	Token     common.Address // the stream's token; zero: ETH
	Expiry    time.Duration
	Out       string
	Base      string // the watch links' origin, e.g. https://stream.example.org
	Payee     common.Address
	Organizer *ecdsa.PrivateKey
	BatchSize int // channels a transaction; 0: Batch

	info    chain.TokenInfo
	deposit *big.Int
}

// Link is one prefunded viewer.
type Link struct {
	N       int
	URL     string
	Address common.Address
	Key     string
	Channel common.Hash
	Deposit *big.Int
	Expiry  time.Time
	QR      template.URL // data: URL of the PNG
}

// Batch is how many channels one transaction opens (openMany): about
// 94,000 gas each in ETH, 116,000 in a token (BENCHMARKS.md), so a batch
// of 100 stays well under the 16,777,216 gas a transaction may use since
// Osaka (EIP-7825).
const Batch = 100

// Make opens the channels Batch (or BatchSize) at a time, one transaction each
// (openMany; a token's approval first). Each batch's burner keys are
// written to links.keys (and synced) before its transaction is sent, and
// their links to links.csv (synced) as soon as the channels exist: a
// failure half way, even between sending a transaction and seeing it
// mined, loses no key of a funded channel. The sheet is written at the
// end.
func (p *Links) Make(ctx context.Context, log *slog.Logger) (int, error) {
	csvPath, keysPath := filepath.Join(p.Out, "links.csv"), filepath.Join(p.Out, "links.keys")
	for _, path := range []string{csvPath, keysPath} {
		if _, err := os.Stat(path); err == nil {
			return 0, fmt.Errorf("%s exists: its keys hold funded channels; choose another --out", path)
		}
	}
	client := p.Client
	var err error
	if p.info, err = client.Token(ctx, p.Token); err != nil {
		return 0, fmt.Errorf("the stream's token: %w", err)
	}
	if p.deposit, err = ParseDeposit(p.Amount, p.info); err != nil {
		return 0, fmt.Errorf("--deposit: %w", err)
	}
	funder := crypto.PubkeyToAddress(p.Organizer.PublicKey)
	need := new(big.Int).Mul(p.deposit, big.NewInt(int64(p.Count)))
	if bal, err := client.TokenBalance(ctx, p.Token, funder); err != nil {
		return 0, fmt.Errorf("the organizer's balance: %w", err)
	} else if bal.Cmp(need) < 0 {
		return 0, fmt.Errorf("the organizer %s holds %s, less than the %s the deposits need (plus gas)", funder, p.info.Format(bal), p.info.Format(need))
	}
	if err := os.MkdirAll(p.Out, 0o700); err != nil {
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
	expiry := time.Now().Add(p.Expiry).Truncate(time.Second)
	var links []Link
	size := p.BatchSize
	if size <= 0 {
		size = Batch
	}
	for from := 0; from < p.Count; from += size {
		batch := make([]Link, 0, size)
		var signers []common.Address
		var deposits []*big.Int
		for i := from; i < min(from+size, p.Count); i++ {
			k, err := crypto.GenerateKey()
			if err != nil {
				return len(links), err
			}
			signer := crypto.PubkeyToAddress(k.PublicKey)
			l := Link{N: i + 1, Address: signer, Key: hexutil.Encode(crypto.FromECDSA(k)), Deposit: p.deposit, Expiry: expiry}
			if _, err := fmt.Fprintf(keys, "%s %s\n", signer.Hex(), l.Key); err != nil {
				return len(links), err
			}
			batch, signers, deposits = append(batch, l), append(signers, signer), append(deposits, p.deposit)
		}
		if err := keys.Sync(); err != nil {
			return len(links), err
		}
		ids, rc, err := client.OpenMany(ctx, p.Organizer, p.Token, p.Payee, expiry, signers, deposits)
		if err != nil {
			return len(links), fmt.Errorf("opening channels %d to %d of %d (their keys are in %s: the channels may exist): %w",
				from+1, from+len(batch), p.Count, keysPath, err)
		}
		for i := range batch {
			l := &batch[i]
			l.Channel = ids[i]
			l.URL = fmt.Sprintf("%s/watch/%s#k=%s&c=%s", p.Base, url.PathEscape(p.Stream), l.Key, l.Channel.Hex())
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

// CheckDeposit refuses a --deposit that is no amount at all, before the
// chain says what the stream is priced in: an amount of ETH parseAmount
// reads, or a positive number with a token's symbol or none.
func CheckDeposit(s string) error {
	_, err := ParseAmount(s)
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

// ParseDeposit reads --deposit: ETH as parseAmount does, or a token's
// amount in whole tokens (10, 0.5, with or without its symbol).
func ParseDeposit(s string, t chain.TokenInfo) (*big.Int, error) {
	if t.Address == (common.Address{}) {
		return ParseAmount(s)
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

// ParseAmount reads an amount of ether, or of wei or gwei with the unit.
func ParseAmount(s string) (*big.Int, error) {
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

// sheet writes links.html: a printable page of cards, a QR code and the
// terms on each.
func (p *Links) sheet(links []Link) error {
	for i := range links {
		code, err := qr.Encode(links[i].URL, qr.M)
		if err != nil {
			return fmt.Errorf("qr code: %w", err)
		}
		code.Scale = 4
		links[i].QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG()))
	}
	f, err := os.OpenFile(filepath.Join(p.Out, "links.html"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = sheetTemplate.Execute(f, map[string]any{
		"Stream": p.Stream, "Links": links, "Deposit": p.info.Format(p.deposit), "Expiry": links[0].Expiry.UTC().Format("2 Jan 2006 15:04 MST"),
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
