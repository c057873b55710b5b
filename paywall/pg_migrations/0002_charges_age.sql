-- Charges are kept for today and yesterday (UTC), as the embedded ledger
-- keeps them; the pruner finds older ones by age. Rows arrive in time
-- order, so a BRIN index (a few pages, next to nothing per insert) does.
CREATE INDEX charges_at ON charges USING brin (at);
