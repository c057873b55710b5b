// Package paywall sells the keys to a priced stream's segments: sessions
// opened with a payment-channel voucher, a gate that charges each key
// (one per segment number, shared by the renditions, live and replayed)
// its segment's price against the credit the vouchers pay for, and a
// ledger that never loses what was paid or spent and keeps the
// per-recording secrets the keys derive from. A recording made before
// keys were sold is still sold segment by segment, the same way. It knows
// nothing of codecs or ciphers; the origin asks it about keys and
// segments through hls.Gate.
//
// Where things are: gate.go (Gate.Admit, what a key or segment costs and
// who pays), api.go (the /pay endpoints), cashier.go (accepting
// vouchers), session.go (tokens), limiter.go and preview.go; the ledger
// in ledger.go (its interface and BoltLedger's methods),
// ledger_account.go (an account and its encoding), ledger_commit.go (the
// group-committed log writer), ledger_log.go (the log's frames),
// ledger_replay.go (reading the log back on open), ledger_checkpoint.go
// (moving the log into bbolt, day buckets of charges), charged.go (which
// segments a session has paid for) and secrets.go.
package paywall
