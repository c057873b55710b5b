package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"slices"
	"sync"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// LogSource is what the watcher reads from a node over JSON-RPC.
type LogSource interface {
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// ChannelState is a channel as the watcher last confirmed it.
type ChannelState struct {
	Channel
	Reclaimed bool
	Block     uint64 // block of the last change seen
}

// WatchStatus reports how the watcher is doing, for health checks.
type WatchStatus struct {
	Head      uint64 // chain head at the last successful sync
	Confirmed uint64 // last block whose events count
	LastSync  time.Time
	Err       error // last failure, nil once a sync succeeds again
	Failures  int   // consecutive failed syncs
}

// Watcher follows the contract's events over JSON-RPC and keeps the state
// of the channels it cares about, counting an event only once it has
// Confirmations blocks on top (1: in the head block). It remembers the
// hashes of the blocks it scanned, so when a reorganisation replaces them
// it rolls back the events it took from them and reads the new branch:
// logs that a reorg removed do not stay counted.
type Watcher struct {
	Source   LogSource
	Contract common.Address
	// Payee, when set, limits the watcher to channels paying it.
	Payee common.Address
	// Confirmations an event needs (default 1).
	Confirmations uint64
	// FromBlock is where scanning starts; channels opened earlier are read
	// on demand with Load, so it can be the head at start-up.
	FromBlock uint64
	// Reader reads a channel at a block, for Load (Client.Channel).
	Reader func(ctx context.Context, id common.Hash, block *big.Int) (*Channel, error)
	// Poll is the interval between syncs in Run (default 2 s).
	Poll time.Duration
	// Depth is how many blocks of history are kept to undo (default 256); a
	// deeper reorganisation makes the watcher start over from FromBlock.
	Depth uint64
	// MaxRange caps the blocks asked for in one eth_getLogs (default 5000).
	MaxRange uint64
	// CallTimeout bounds each RPC call (default 10 s).
	CallTimeout time.Duration
	Logger      *slog.Logger

	once    sync.Once
	syncMu  sync.Mutex // one sync at a time
	mu      sync.RWMutex
	base    map[common.Hash]*ChannelState // folded: older than Depth
	recent  []applied                     // within Depth, oldest first
	state   map[common.Hash]*ChannelState // base + recent
	refs    []blockRef                    // scanned block hashes, oldest first
	next    uint64                        // next block to scan
	status  WatchStatus
	changed chan struct{}
}

type blockRef struct {
	number uint64
	hash   common.Hash
}

// applied is one event (or a channel read with Load) the state holds.
type applied struct {
	block uint64
	apply func(map[common.Hash]*ChannelState)
}

func (w *Watcher) init() {
	w.once.Do(func() {
		if w.Confirmations == 0 {
			w.Confirmations = 1
		}
		if w.Poll <= 0 {
			w.Poll = 2 * time.Second
		}
		if w.Depth == 0 {
			w.Depth = 256
		}
		if w.MaxRange == 0 {
			w.MaxRange = 5000
		}
		if w.CallTimeout <= 0 {
			w.CallTimeout = 10 * time.Second
		}
		if w.Logger == nil {
			w.Logger = slog.Default()
		}
		w.base, w.state = map[common.Hash]*ChannelState{}, map[common.Hash]*ChannelState{}
		w.next = w.FromBlock
		w.changed = make(chan struct{}, 1)
	})
}

// Channel returns a channel's confirmed state.
func (w *Watcher) Channel(id common.Hash) (ChannelState, bool) {
	w.init()
	w.mu.RLock()
	defer w.mu.RUnlock()
	c, ok := w.state[id]
	if !ok {
		return ChannelState{}, false
	}
	return c.clone(), true
}

// Channels returns every channel the watcher knows.
func (w *Watcher) Channels() []ChannelState {
	w.init()
	w.mu.RLock()
	defer w.mu.RUnlock()
	out := make([]ChannelState, 0, len(w.state))
	for _, c := range w.state {
		out = append(out, c.clone())
	}
	return out
}

// Status reports the last sync.
func (w *Watcher) Status() WatchStatus {
	w.init()
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.status
}

// Changed is signalled after a sync that changed some channel.
func (w *Watcher) Changed() <-chan struct{} {
	w.init()
	return w.changed
}

func (c *ChannelState) clone() ChannelState {
	d := *c
	d.Deposit = new(big.Int).Set(c.Deposit)
	d.Claimed = new(big.Int).Set(c.Claimed)
	return d
}

// Run syncs every Poll until ctx ends. Failures are logged and retried
// with back-off (up to a minute); they never stop the loop.
func (w *Watcher) Run(ctx context.Context) {
	w.init()
	for {
		delay := w.Poll
		if err := w.Sync(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			st := w.Status()
			delay = min(w.Poll<<min(st.Failures, 5), time.Minute)
			if st.Failures == 1 || st.Failures%10 == 0 {
				w.Logger.Warn("chain: watcher cannot sync, retrying", "err", err, "failures", st.Failures, "retry", delay)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

// Sync reads the chain up to the confirmed head once.
func (w *Watcher) Sync(ctx context.Context) error {
	w.init()
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	changed, head, err := w.sync(ctx)
	w.mu.Lock()
	if err != nil {
		w.status.Err = err
		w.status.Failures++
	} else {
		if w.status.Failures > 0 {
			w.Logger.Info("chain: watcher syncing again", "failures", w.status.Failures)
		}
		w.status = WatchStatus{Head: head, Confirmed: w.next - 1, LastSync: time.Now()}
		if w.next == 0 {
			w.status.Confirmed = 0
		}
	}
	w.mu.Unlock()
	if changed {
		select {
		case w.changed <- struct{}{}:
		default:
		}
	}
	return err
}

func (w *Watcher) header(ctx context.Context, n *big.Int) (*types.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, w.CallTimeout)
	defer cancel()
	h, err := w.Source.HeaderByNumber(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("reading block %v: %w", n, err)
	}
	return h, nil
}

var errMoved = errors.New("the chain moved during the sync; retrying")

func (w *Watcher) sync(ctx context.Context) (changed bool, headNum uint64, err error) {
	head, err := w.header(ctx, nil)
	if err != nil {
		return false, 0, err
	}
	headNum = head.Number.Uint64()
	if headNum+1 < w.Confirmations {
		return false, headNum, nil
	}
	target := headNum + 1 - w.Confirmations
	if changed, err = w.checkReorg(ctx); err != nil {
		return changed, headNum, err
	}
	for w.next <= target {
		to := min(w.next+w.MaxRange-1, target)
		hdr, err := w.header(ctx, new(big.Int).SetUint64(to))
		if err != nil {
			return changed, headNum, err
		}
		qctx, cancel := context.WithTimeout(ctx, w.CallTimeout)
		logs, err := w.Source.FilterLogs(qctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(w.next), ToBlock: new(big.Int).SetUint64(to),
			Addresses: []common.Address{w.Contract},
		})
		cancel()
		if err != nil {
			return changed, headNum, fmt.Errorf("reading events %d-%d: %w", w.next, to, err)
		}
		for _, l := range logs {
			if l.BlockNumber == to && l.BlockHash != hdr.Hash() {
				return changed, headNum, errMoved
			}
		}
		slices.SortFunc(logs, func(a, b types.Log) int {
			if a.BlockNumber != b.BlockNumber {
				return int(a.BlockNumber) - int(b.BlockNumber)
			}
			return int(a.Index) - int(b.Index)
		})
		w.mu.Lock()
		for _, l := range logs {
			if l.Removed {
				continue
			}
			if ev := w.decode(l); ev != nil {
				w.recent = append(w.recent, applied{block: l.BlockNumber, apply: ev})
				ev(w.state)
				changed = true
			}
		}
		w.refs = append(w.refs, blockRef{to, hdr.Hash()})
		w.next = to + 1
		w.fold(target)
		w.mu.Unlock()
	}
	return changed, headNum, nil
}

// checkReorg compares the newest scanned block with the chain; if it was
// replaced, it finds the newest scanned block still on the chain and rolls
// back everything after it.
func (w *Watcher) checkReorg(ctx context.Context) (bool, error) {
	w.mu.RLock()
	refs := slices.Clone(w.refs)
	w.mu.RUnlock()
	if len(refs) == 0 {
		return false, nil
	}
	for i := len(refs) - 1; i >= 0; i-- {
		h, err := w.header(ctx, new(big.Int).SetUint64(refs[i].number))
		if err != nil && !errors.Is(err, ethereum.NotFound) && i == len(refs)-1 {
			return false, err
		}
		// NotFound: the new branch is shorter than the old one; keep
		// walking back.
		if err == nil && h.Hash() == refs[i].hash {
			if i == len(refs)-1 {
				return false, nil
			}
			w.rollback(refs[i].number, i+1)
			w.Logger.Warn("chain: reorganisation, events rolled back", "to block", refs[i].number)
			return true, nil
		}
	}
	w.Logger.Warn("chain: reorganisation deeper than the history kept; reading again from the start", "from", w.FromBlock)
	w.mu.Lock()
	w.base, w.state, w.recent, w.refs = map[common.Hash]*ChannelState{}, map[common.Hash]*ChannelState{}, nil, nil
	w.next = w.FromBlock
	w.mu.Unlock()
	return true, nil
}

// rollback forgets everything after block, keeping refs[:keep].
func (w *Watcher) rollback(block uint64, keep int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.refs = w.refs[:keep]
	w.recent = slices.DeleteFunc(w.recent, func(a applied) bool { return a.block > block })
	w.state = cloneStates(w.base)
	for _, a := range w.recent {
		a.apply(w.state)
	}
	w.next = block + 1
}

// fold moves events older than Depth below target into the base state,
// where they can no longer be undone. Call with w.mu held.
func (w *Watcher) fold(target uint64) {
	if target < w.Depth {
		return
	}
	limit := target - w.Depth
	n := 0
	for n < len(w.recent) && w.recent[n].block < limit {
		w.recent[n].apply(w.base)
		n++
	}
	w.recent = slices.Delete(w.recent, 0, n)
	for len(w.refs) > 1 && w.refs[0].number < limit {
		w.refs = w.refs[1:]
	}
}

func cloneStates(m map[common.Hash]*ChannelState) map[common.Hash]*ChannelState {
	out := make(map[common.Hash]*ChannelState, len(m))
	for id, c := range maps.All(m) {
		cc := c.clone()
		out[id] = &cc
	}
	return out
}

// decode turns a log into a state change, or nil for events of no interest.
func (w *Watcher) decode(l types.Log) func(map[common.Hash]*ChannelState) {
	if len(l.Topics) == 0 {
		return nil
	}
	c := channelsFilterer
	block := l.BlockNumber
	switch l.Topics[0] {
	case channelsABI.Events["Opened"].ID:
		ev, err := c.ParseOpened(l)
		if err != nil || (w.Payee != (common.Address{}) && ev.Payee != w.Payee) {
			return nil
		}
		return func(s map[common.Hash]*ChannelState) {
			s[ev.ChannelId] = &ChannelState{Block: block, Channel: Channel{
				ID: ev.ChannelId, Funder: ev.Funder, Signer: ev.Signer, Payee: ev.Payee, Token: ev.Token,
				Expiry: time.Unix(int64(ev.Expiry), 0), Deposit: new(big.Int).Set(ev.Deposit), Claimed: new(big.Int),
			}}
		}
	case channelsABI.Events["ToppedUp"].ID:
		ev, err := c.ParseToppedUp(l)
		if err != nil {
			return nil
		}
		return update(ev.ChannelId, block, func(ch *ChannelState) { ch.Deposit.Set(ev.Deposit) })
	case channelsABI.Events["Extended"].ID:
		ev, err := c.ParseExtended(l)
		if err != nil {
			return nil
		}
		return update(ev.ChannelId, block, func(ch *ChannelState) { ch.Expiry = time.Unix(int64(ev.Expiry), 0) })
	case channelsABI.Events["Claimed"].ID:
		ev, err := c.ParseClaimed(l)
		if err != nil {
			return nil
		}
		return update(ev.ChannelId, block, func(ch *ChannelState) { ch.Claimed.Set(ev.Amount) })
	case channelsABI.Events["Reclaimed"].ID:
		ev, err := c.ParseReclaimed(l)
		if err != nil {
			return nil
		}
		return update(ev.ChannelId, block, func(ch *ChannelState) { ch.Claimed.Set(ch.Deposit); ch.Reclaimed = true })
	}
	return nil
}

func update(id common.Hash, block uint64, f func(*ChannelState)) func(map[common.Hash]*ChannelState) {
	return func(s map[common.Hash]*ChannelState) {
		if ch, ok := s[id]; ok {
			f(ch)
			ch.Block = block
		}
	}
}

// ErrUnknown is Load's answer for a channel the contract does not have.
var ErrUnknown = errors.New("no such channel")

// Load returns a channel, reading it from the chain at the last scanned
// block when the watcher has not seen it (it was opened before FromBlock).
// Later events keep it current like any other. It does not wait for a
// sync in progress.
func (w *Watcher) Load(ctx context.Context, id common.Hash) (ChannelState, error) {
	if c, ok := w.Channel(id); ok {
		return c, nil
	}
	if w.Reader == nil {
		return ChannelState{}, ErrUnknown
	}
	for range 3 { // a sync may move past the block read; read again at the new one
		w.mu.RLock()
		next := w.next
		w.mu.RUnlock()
		if next == 0 {
			return ChannelState{}, errors.New("chain: watcher has not synced yet")
		}
		block := next - 1
		cctx, cancel := context.WithTimeout(ctx, w.CallTimeout)
		ch, err := w.Reader(cctx, id, new(big.Int).SetUint64(block))
		cancel()
		if err != nil {
			return ChannelState{}, fmt.Errorf("reading channel %s: %w", id, err)
		}
		if ch.Payee == (common.Address{}) {
			return ChannelState{}, ErrUnknown
		}
		st := &ChannelState{Channel: *ch, Block: block}
		if w.Payee != (common.Address{}) && ch.Payee != w.Payee {
			return st.clone(), nil // shown, so the caller can say whom it pays; not watched
		}
		load := func(s map[common.Hash]*ChannelState) {
			if _, ok := s[id]; !ok {
				c := st.clone()
				s[id] = &c
			}
		}
		w.mu.Lock()
		if w.next != next {
			w.mu.Unlock()
			if c, ok := w.Channel(id); ok {
				return c, nil
			}
			continue
		}
		w.recent = append(w.recent, applied{block: block, apply: load})
		load(w.state)
		c := w.state[id].clone()
		w.mu.Unlock()
		return c, nil
	}
	return ChannelState{}, errors.New("chain: the chain moved too fast to read the channel; try again")
}
