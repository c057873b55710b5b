package paywall

import (
	"maps"
	"sync"
)

// Stats counts what the gate answered, for the dashboard and /metrics.
// The zero value is ready.
type Stats struct {
	mu       sync.Mutex
	required map[string]uint64 // 402 answers per stream
	accepted map[string]uint64 // vouchers accepted per stream
	refused  map[string]uint64 // voucher and payment refusals per reason
}

// StatsSnapshot is a copy of the counters.
type StatsSnapshot struct {
	PaymentRequired map[string]uint64 // per stream
	Accepted        map[string]uint64 // vouchers, per stream
	Refused         map[string]uint64 // per reason (bad_signature, not_increasing, …)
}

// Snapshot copies the counters.
func (s *Stats) Snapshot() StatsSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return StatsSnapshot{PaymentRequired: maps.Clone(s.required), Accepted: maps.Clone(s.accepted), Refused: maps.Clone(s.refused)}
}

func (s *Stats) inc(m *map[string]uint64, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *m == nil {
		*m = map[string]uint64{}
	}
	(*m)[key]++
}

func (s *Stats) paymentRequired(stream string) { s.inc(&s.required, stream) }
func (s *Stats) voucherAccepted(stream string) { s.inc(&s.accepted, stream) }
func (s *Stats) refusal(reason string)         { s.inc(&s.refused, reason) }
