package paywall

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/livegate/livegate/chain"
)

// An account (what one channel paid and spent, per stream) and its
// encoding on disk (accountJSON, written by hand on every change).

// Account is what one channel has paid and spent here.
type Account struct {
	Best    *chain.Voucher           // the best voucher held; nil before the first
	Spent   *big.Int                 // charged for segments, and tips
	Preview map[string]time.Duration // free media already given, per stream
	Streams map[string]Money         // per stream, for the organizer's accounts
}

// Money is what one channel did on one stream: the voucher increases it
// accepted there, what its segments cost, and the tips (counted in Spent
// too).
type Money struct {
	Paid, Spent, Tips *big.Int
}

func (m Money) clone() Money {
	return Money{new(big.Int).Set(m.Paid), new(big.Int).Set(m.Spent), new(big.Int).Set(m.Tips)}
}

// add adds paid, spent and tips (any may be nil) to stream's money.
func (a *Account) add(stream string, paid, spent, tips *big.Int) {
	m, ok := a.Streams[stream]
	if !ok {
		m = Money{new(big.Int), new(big.Int), new(big.Int)}
	}
	for _, p := range []struct{ to, x *big.Int }{{m.Paid, paid}, {m.Spent, spent}, {m.Tips, tips}} {
		if p.x != nil {
			p.to.Add(p.to, p.x)
		}
	}
	a.Streams[stream] = m
}

func newAccount() Account {
	return Account{Spent: new(big.Int), Preview: map[string]time.Duration{}, Streams: map[string]Money{}}
}

// Paid is the best voucher's amount.
func (a *Account) Paid() *big.Int {
	if a.Best == nil {
		return new(big.Int)
	}
	return a.Best.Amount
}

// Credit is what is left to spend.
func (a *Account) Credit() *big.Int { return new(big.Int).Sub(a.Paid(), a.Spent) }

func (a *Account) clone() Account {
	c := Account{Spent: new(big.Int).Set(a.Spent), Preview: make(map[string]time.Duration, len(a.Preview)),
		Streams: make(map[string]Money, len(a.Streams))}
	if a.Best != nil {
		c.Best = &chain.Voucher{Channel: a.Best.Channel, Amount: new(big.Int).Set(a.Best.Amount), Signature: append([]byte(nil), a.Best.Signature...)}
	}
	for k, v := range a.Preview {
		c.Preview[k] = v
	}
	for k, v := range a.Streams {
		c.Streams[k] = v.clone()
	}
	return c
}

// accountJSON is an account on disk.
type accountJSON struct {
	Amount    string               `json:"amount,omitempty"`
	Signature string               `json:"signature,omitempty"`
	Spent     string               `json:"spent"`
	Preview   map[string]int64     `json:"preview,omitempty"` // milliseconds
	Streams   map[string][3]string `json:"streams,omitempty"` // paid, spent, tips in wei
}

func encodeAccount(a *Account) accountJSON {
	j := accountJSON{Spent: a.Spent.String()}
	if a.Best != nil {
		j.Amount, j.Signature = a.Best.Amount.String(), hexutil.Encode(a.Best.Signature)
	}
	if len(a.Preview) > 0 {
		j.Preview = map[string]int64{}
		for k, v := range a.Preview {
			j.Preview[k] = v.Milliseconds()
		}
	}
	if len(a.Streams) > 0 {
		j.Streams = map[string][3]string{}
		for k, m := range a.Streams {
			j.Streams[k] = [3]string{m.Paid.String(), m.Spent.String(), m.Tips.String()}
		}
	}
	return j
}

// appendAccount appends the account's accountJSON as encoding/json
// writes it, without reflection or the maps and strings in between: an
// account is encoded on every charge. A name that JSON would escape takes
// the slow way.
func appendAccount(buf []byte, a *Account) []byte {
	plain := true
	for k := range a.Preview {
		plain = plain && plainJSON(k)
	}
	for k := range a.Streams {
		plain = plain && plainJSON(k)
	}
	if !plain {
		j, _ := json.Marshal(encodeAccount(a)) // strings, maps and numbers: cannot fail
		return append(buf, j...)
	}
	if a.Best != nil {
		buf = appendDecimal(append(buf, `{"amount":"`...), a.Best.Amount)
		buf = hex.AppendEncode(append(buf, `","signature":"0x`...), a.Best.Signature)
		buf = append(buf, `","spent":"`...)
	} else {
		buf = append(buf, `{"spent":"`...)
	}
	buf = append(appendDecimal(buf, a.Spent), '"')
	if len(a.Preview) > 0 {
		buf = append(buf, `,"preview":{`...)
		for i, k := range sortedKeys(a.Preview) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(append(append(buf, '"'), k...), `":`...)
			buf = strconv.AppendInt(buf, a.Preview[k].Milliseconds(), 10)
		}
		buf = append(buf, '}')
	}
	if len(a.Streams) > 0 {
		buf = append(buf, `,"streams":{`...)
		for i, k := range sortedKeys(a.Streams) {
			if i > 0 {
				buf = append(buf, ',')
			}
			m := a.Streams[k]
			buf = append(append(append(buf, '"'), k...), `":["`...)
			buf = append(appendDecimal(buf, m.Paid), `","`...)
			buf = append(appendDecimal(buf, m.Spent), `","`...)
			buf = append(appendDecimal(buf, m.Tips), `"]`...)
		}
		buf = append(buf, '}')
	}
	return append(buf, '}')
}

// appendDecimal appends x in decimal, as x.Append(buf, 10) does, five
// times faster for the amounts that fit in 64 bits: most, in wei (up to 18
// ether). A charge writes five, and a paid segment's headers two.
func appendDecimal(buf []byte, x *big.Int) []byte {
	if x.IsUint64() {
		return strconv.AppendUint(buf, x.Uint64(), 10)
	}
	return x.Append(buf, 10)
}

// decimal is x.String(), faster: see appendDecimal.
func decimal(x *big.Int) string {
	if x.IsUint64() {
		return strconv.FormatUint(x.Uint64(), 10)
	}
	return x.String()
}

// sortedKeys returns m's keys in order; an account has one or two streams.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	if len(keys) > 1 {
		slices.Sort(keys)
	}
	return keys
}

// plainJSON reports whether encoding/json writes s as it is, in quotes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func decodeAccount(ch common.Hash, j accountJSON) (Account, error) {
	a := newAccount()
	if _, ok := a.Spent.SetString(j.Spent, 10); !ok {
		return a, fmt.Errorf("spent %q", j.Spent)
	}
	if j.Amount != "" {
		amt, ok := new(big.Int).SetString(j.Amount, 10)
		sig, err := hexutil.Decode(j.Signature)
		if !ok || err != nil {
			return a, fmt.Errorf("voucher %q %q", j.Amount, j.Signature)
		}
		a.Best = &chain.Voucher{Channel: ch, Amount: amt, Signature: sig}
	}
	for k, v := range j.Preview {
		a.Preview[k] = time.Duration(v) * time.Millisecond
	}
	for k, v := range j.Streams {
		var m [3]*big.Int
		for i := range v {
			var ok bool
			if m[i], ok = new(big.Int).SetString(v[i], 10); !ok {
				return a, fmt.Errorf("stream %q money %q", k, v)
			}
		}
		a.Streams[k] = Money{m[0], m[1], m[2]}
	}
	return a, nil
}
