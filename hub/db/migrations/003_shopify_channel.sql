-- The Shopify channel's durable state. shopify_push is its queue and its memory at once: one row
-- per (sku, location) with the latest level the hub wants Shopify to show and what the channel
-- last set there. A row is due while wanted_version > pushed_version, so an outage of any length
-- leaves at most one pending value per level: the latest, never hours of deltas. Rows belong to
-- one channel (its consumer group): one per shop in production, one per test run here.

CREATE TABLE shopify_push (
  channel        TEXT        NOT NULL,
  sku            TEXT        NOT NULL,
  location_id    TEXT        NOT NULL,
  -- Available to promise the hub wants Shopify to show, and the level version it came from.
  wanted         INTEGER     NOT NULL,
  wanted_version BIGINT      NOT NULL,
  -- When the hub's level changed (stock.levels updatedAt): the start of the push latency.
  wanted_at      TIMESTAMPTZ NOT NULL,
  -- What the channel last set (or read) in Shopify: the compare-and-set base. Null: unknown.
  pushed         INTEGER,
  pushed_version BIGINT      NOT NULL DEFAULT 0,
  pushed_at      TIMESTAMPTZ,
  -- A row that lost a compare-and-set waits until then, so the order that explains it can arrive.
  not_before     TIMESTAMPTZ,
  attempts       INTEGER     NOT NULL DEFAULT 0,
  last_error     TEXT,
  PRIMARY KEY (channel, sku, location_id)
);
CREATE INDEX shopify_push_due ON shopify_push (channel, wanted_at) WHERE wanted_version > pushed_version;

-- Shopify's inventory item per SKU, learned from Shopify itself (inventoryItems by sku).
CREATE TABLE shopify_items (
  sku               TEXT   PRIMARY KEY,
  inventory_item_id BIGINT NOT NULL UNIQUE
);

-- Until when each channel has read Shopify's orders back (after an outage, webhooks are lost).
CREATE TABLE shopify_readback (
  channel    TEXT        PRIMARY KEY,
  orders_to  TIMESTAMPTZ NOT NULL
);
