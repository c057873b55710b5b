-- The shared ledger (issue 18): what BoltLedger keeps in its bbolt file,
-- as rows several livegate nodes change under row locks. Amounts are wei,
-- numeric(78,0) holds any uint256.

-- One row per channel: the best voucher (NULL before the first) and what
-- was spent. Every change to a channel's money locks this row first.
CREATE TABLE accounts (
    channel   bytea PRIMARY KEY CHECK (length(channel) = 32),
    amount    numeric(78, 0),
    signature bytea,
    spent     numeric(78, 0) NOT NULL DEFAULT 0
);

-- A channel's money per stream, for the organizer's accounts.
CREATE TABLE stream_money (
    channel bytea NOT NULL,
    stream  text NOT NULL,
    paid    numeric(78, 0) NOT NULL,
    spent   numeric(78, 0) NOT NULL,
    tips    numeric(78, 0) NOT NULL,
    PRIMARY KEY (channel, stream)
);

-- The free preview a channel has used, per stream, in nanoseconds.
CREATE TABLE previews (
    channel    bytea NOT NULL,
    stream     text NOT NULL,
    used_ns    bigint NOT NULL,
    PRIMARY KEY (channel, stream)
);

-- What each session bought, once: item is stream/recording/seq (a refund
-- of it is ~ and the same). The key makes a second charge Already.
CREATE TABLE charges (
    channel bytea NOT NULL,
    session text NOT NULL,
    item    text NOT NULL,
    price   numeric(78, 0) NOT NULL,
    at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, session, item)
);

-- Recording secrets (hls.SecretStore): a priced recording's keys derive
-- from them, so every node must derive the same ones.
CREATE TABLE recording_secrets (
    stream    text NOT NULL,
    recording text NOT NULL,
    secret    bytea NOT NULL CHECK (length(secret) = 32),
    PRIMARY KEY (stream, recording)
);

-- Secrets the nodes share, such as the one signing session tokens, so a
-- token made by one node is good on the others.
CREATE TABLE node_secrets (
    name   text PRIMARY KEY,
    secret bytea NOT NULL
);
