package paywall

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Charges at a provisional price. A low-latency viewer buys a segment's
// key with its first part, before the segment is cut, at the price of the
// segment's target duration (less the cut's rounding): no more than it
// will last, since a segment is cut at the first keyframe past its target,
// unless its publisher leaves first. When the segment ends, the gate
// hears its duration (Finished) and refunds each such charge the
// difference, so that nobody pays more for watching in parts. The
// charges waiting for their segment's end are kept in memory only: a
// crash before the end loses their refunds (the refund itself, once
// made, is as durable as a charge).

// provisionals remembers the charges made at a provisional price until
// their segment ends, and the segments that ended lately, for a charge
// that was committed just after its segment ended (it was priced before).
type provisionals struct {
	mu       sync.Mutex
	pending  map[Item][]provisional
	finished map[Item]ended
	swept    time.Time
	refunds  sync.WaitGroup // refunds in flight (Wait)
	slots    chan struct{}  // bounds the refunds running at once
	once     sync.Once
}

// refundsAtOnce bounds the refunds a segment's end starts together: a
// publisher leaving a thousand low-latency viewers must not take every
// connection the ledger has from the charges of other streams.
// refundTries is how often a refund the ledger failed is tried, a second
// apart and then two.
const (
	refundsAtOnce = 16
	refundTries   = 3
)

// provisional is one charge made before its segment ended.
type provisional struct {
	ch      common.Hash
	session string
	price   *big.Int
	at      time.Time
}

// ended is a segment's final duration and when the gate heard of it.
type ended struct {
	d  time.Duration
	at time.Time
}

// keepPending bounds how long a provisional charge waits for its segment
// to end: a segment lasts at most a publication's MaxSegment (30 s by
// default), and a segment that never ends (its recording dropped it) has
// nothing to compare with. keepEnded is how long an ended segment is
// remembered for a charge racing its end: such a charge was priced before
// the end and is committed a ledger write later.
const (
	keepPending = 10 * time.Minute
	keepEnded   = time.Minute
)

// chargedProvisionally notes a charge made at a provisional price, or refunds it at
// once if its segment ended meanwhile.
func (g *Gate) chargedProvisionally(it Item, p provisional) {
	ps := &g.provisional
	ps.mu.Lock()
	ps.sweep(p.at)
	e, done := ps.finished[it]
	if !done {
		if ps.pending == nil {
			ps.pending = map[Item][]provisional{}
		}
		ps.pending[it] = append(ps.pending[it], p)
	}
	ps.mu.Unlock()
	if done {
		g.refund(it, e.d, []provisional{p})
	}
}

// Finished tells the gate a segment of a priced stream has ended, with
// its final duration (seg.Provisional is ignored): every charge made for
// it at a higher provisional price is refunded the difference, in the
// background (the caller is the publisher's goroutine).
func (g *Gate) Finished(seg Segment) {
	if _, ok := g.Streams[seg.Stream]; !ok {
		return
	}
	it, now := seg.item(), time.Now()
	ps := &g.provisional
	ps.mu.Lock()
	ps.sweep(now)
	if ps.finished == nil {
		ps.finished = map[Item]ended{}
	}
	ps.finished[it] = ended{seg.Duration, now}
	list := ps.pending[it]
	delete(ps.pending, it)
	ps.mu.Unlock()
	if len(list) > 0 {
		g.refund(it, seg.Duration, list)
	}
}

// WaitRefunds waits for the refunds in flight: call it before the ledger
// closes.
func (g *Gate) WaitRefunds() { g.provisional.refunds.Wait() }

// refund gives each charge in list back what it paid above the price of
// d, in the background, refundsAtOnce at a time (the ledger's group
// commit takes those together), each tried again when the ledger fails.
func (g *Gate) refund(it Item, d time.Duration, list []provisional) {
	final := g.Streams[it.Stream].Price(d)
	ps := &g.provisional
	ps.once.Do(func() { ps.slots = make(chan struct{}, refundsAtOnce) })
	for _, p := range list {
		if p.price.Cmp(final) <= 0 {
			continue
		}
		r := Refund{Channel: p.ch, Session: p.session, Item: it, Amount: new(big.Int).Sub(p.price, final)}
		ps.refunds.Add(1)
		go func() {
			defer ps.refunds.Done()
			ps.slots <- struct{}{}
			defer func() { <-ps.slots }()
			rc, err := g.tryRefund(r)
			switch {
			case err != nil && !errors.Is(err, ErrLedgerClosed):
				g.Logger.Error("paywall: refund failed", "channel", r.Channel, "stream", it.Stream, "seq", it.Seq, "amount", r.Amount, "err", err)
			case err != nil:
				g.Logger.Warn("paywall: refund lost: the ledger closed first", "channel", r.Channel, "stream", it.Stream, "seq", it.Seq, "amount", r.Amount)
			case !rc.Already:
				g.Logger.Debug("paywall: refunded a segment that ended short", "channel", r.Channel, "stream", it.Stream,
					"seq", it.Seq, "duration", d, "paid", p.price, "refund", r.Amount)
			}
		}()
	}
}

// tryRefund asks the ledger for a refund, again after a failure that
// may pass (not a closed ledger, not a refund it refuses).
func (g *Gate) tryRefund(r Refund) (Receipt, error) {
	var rc Receipt
	var err error
	for try := range refundTries {
		if try > 0 {
			time.Sleep(time.Duration(try) * time.Second)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		rc, err = g.Ledger.Refund(ctx, r)
		cancel()
		if err == nil || errors.Is(err, ErrLedgerClosed) || errors.Is(err, ErrNotCharged) || errors.Is(err, ErrBadRefund) {
			return rc, err
		}
	}
	return rc, err
}

// sweep forgets pending charges and ended segments past their time, at
// most once a second. Call with mu held.
func (ps *provisionals) sweep(now time.Time) {
	if now.Sub(ps.swept) < time.Second {
		return
	}
	ps.swept = now
	for it, list := range ps.pending {
		kept := list[:0]
		for _, p := range list {
			if now.Sub(p.at) < keepPending {
				kept = append(kept, p)
			}
		}
		if len(kept) == 0 {
			delete(ps.pending, it)
		} else {
			ps.pending[it] = kept
		}
	}
	for it, e := range ps.finished {
		if now.Sub(e.at) >= keepEnded {
			delete(ps.finished, it)
		}
	}
}
