-- Parked rows of the Shopify channel's queue. A level Shopify keeps refusing for a reason the
-- channel does not know is parked after a configured number of attempts: it keeps its wanted
-- value and its reason (last_error) but is no longer due, so it cannot hold up the rest of the
-- queue. `stockhub-shopify-parked retry` or a new level version un-parks it (parked_at NULL,
-- attempts 0). Until then not_before is the row's own backoff between attempts.
ALTER TABLE shopify_push ADD COLUMN parked_at TIMESTAMPTZ;
-- Refused attempts ever, never reset (attempts is reset by a retry or a new version). Part of the
-- idempotency key: the try after a definite refusal is a new request, not the replay of the
-- refusal Shopify keeps under the old key; a retry after a lost answer keeps its key.
ALTER TABLE shopify_push ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;

-- The due index holds what the pusher may fetch: parked rows are no longer in it.
DROP INDEX shopify_push_due;
CREATE INDEX shopify_push_due ON shopify_push (channel, wanted_at) WHERE wanted_version > pushed_version AND parked_at IS NULL;
-- Few rows: the dashboard's count and newest reasons, the CLI's list, the report's flags.
CREATE INDEX shopify_push_parked ON shopify_push (channel, parked_at) WHERE parked_at IS NOT NULL;
