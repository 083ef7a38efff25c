-- The transaction that last changed each level. Store feeds stream the changes of transactions
-- below the snapshot's xmin (all of them finished), so a feed cursor never skips a change that
-- committed late, and a store that reconnects resumes exactly where it was.
ALTER TABLE stock_levels ADD COLUMN change_txid xid8 NOT NULL DEFAULT '0';
CREATE INDEX stock_levels_change_txid ON stock_levels (change_txid);
