-- The hub's truth: an append-only movement ledger, the current level per (sku, location), the
-- outbox of level changes still to publish, and the consumed offsets (stored in the same
-- transaction as the changes they caused).

CREATE TABLE stock_levels (
  sku            TEXT        NOT NULL,
  location_id    TEXT        NOT NULL,
  on_hand        NUMERIC     NOT NULL DEFAULT 0,
  reserved       NUMERIC     NOT NULL DEFAULT 0,
  safety_stock   NUMERIC     NOT NULL DEFAULT 0,
  -- Business time of the last COUNT applied: deltas older than it change nothing.
  last_count_at  TIMESTAMPTZ,
  -- Latest business time of an applied delta: a late COUNT re-adds the deltas after it.
  last_delta_at  TIMESTAMPTZ,
  last_event_id  TEXT,
  version        BIGINT      NOT NULL DEFAULT 0,
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, location_id)
);

CREATE TABLE ledger (
  seq              BIGSERIAL   PRIMARY KEY,
  event_id         TEXT        NOT NULL UNIQUE,
  type             TEXT        NOT NULL,
  sku              TEXT        NOT NULL,
  location_id      TEXT        NOT NULL,
  quantity         NUMERIC,
  counted_quantity NUMERIC,
  occurred_at      TIMESTAMPTZ NOT NULL,
  ingested_at      TIMESTAMPTZ NOT NULL,
  applied_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- applied: changed the level; stale: a delta older than the last count, recorded only.
  effect           TEXT        NOT NULL CHECK (effect IN ('applied', 'stale')),
  on_hand_before   NUMERIC     NOT NULL,
  on_hand_after    NUMERIC     NOT NULL,
  reserved_before  NUMERIC     NOT NULL,
  reserved_after   NUMERIC     NOT NULL,
  -- A physical sale that drove on-hand below zero: a fact, flagged, never refused.
  went_negative    BOOLEAN     NOT NULL DEFAULT false,
  source_system    TEXT        NOT NULL,
  source_instance  TEXT        NOT NULL,
  source_document  TEXT,
  source_line      TEXT,
  source_entity    TEXT        NOT NULL,
  source_position  TEXT,
  source_raw       JSONB,
  actor            TEXT,
  reason           TEXT,
  correlation_id   TEXT,
  -- Where the canonical event was read from (null for the hub's own reservation steps).
  kafka_topic      TEXT,
  kafka_partition  INT,
  kafka_offset     BIGINT
);
CREATE INDEX ledger_sku_location ON ledger (sku, location_id, seq);
CREATE INDEX ledger_deltas_after ON ledger (sku, location_id, occurred_at) WHERE type NOT IN ('COUNT', 'RESERVE', 'RELEASE');

CREATE TABLE level_outbox (
  id          BIGSERIAL PRIMARY KEY,
  sku         TEXT      NOT NULL,
  location_id TEXT      NOT NULL
);

CREATE TABLE consumer_offsets (
  group_id    TEXT   NOT NULL,
  topic       TEXT   NOT NULL,
  partition   INT    NOT NULL,
  -- The next offset to read: everything before it is in the ledger.
  next_offset BIGINT NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
);

CREATE TABLE reservations (
  id           UUID        PRIMARY KEY,
  sku          TEXT        NOT NULL,
  location_id  TEXT        NOT NULL,
  quantity     NUMERIC     NOT NULL CHECK (quantity > 0),
  status       TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'CONFIRMED', 'RELEASED', 'EXPIRED')),
  owner        TEXT        NOT NULL,
  reference    TEXT,
  expires_at   TIMESTAMPTZ NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX reservations_expiry ON reservations (expires_at) WHERE status = 'ACTIVE';
