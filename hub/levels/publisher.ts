import type { Pool } from 'pg';
import type { Producer } from 'kafkajs';
import { chunkBySize } from '../../core/kafka';
import type { Logger } from '../../core/logging';
import type { LevelCache } from './cache';
import { levelKey, toView, type LevelView } from './level';
import { LEVEL_COLUMNS, levelFromRow, type LevelRow } from './store';

/**
 * Drains the level outbox: every level a committed transaction changed goes to the compacted
 * stock.levels topic (key sku@location) and through to Redis, and only then leaves the outbox.
 * A crash between commit and publish leaves the rows there for the next drain, so no change is
 * lost; a change published twice is harmless (the newest version wins everywhere).
 */
export class LevelPublisher {
  private draining: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly pool: Pool,
    private readonly producer: Producer,
    private readonly cache: LevelCache,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  /** Drains until the outbox is empty; concurrent calls share one run (and trigger one more). */
  drain(): Promise<number> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      let total = 0;
      do {
        this.again = false;
        for (let n = await this.drainOnce(); n > 0; n = await this.drainOnce()) total += n;
      } while (this.again);
      return total;
    })().finally(() => (this.draining = null));
    return this.draining;
  }

  /**
   * No transaction spans the Kafka send: an open transaction would hold back the snapshot
   * horizon the store feeds read by (and keep row locks) for as long as Kafka is slow. Two
   * drainers may therefore publish the same rows; that is harmless (the newest version wins).
   */
  private async drainOnce(): Promise<number> {
    const { rows: queued } = await this.pool.query<{ id: number; sku: string; location_id: string }>('SELECT id, sku, location_id FROM level_outbox ORDER BY id LIMIT 5000');
    if (queued.length === 0) return 0;
    try {
      const keys = new Map(queued.map((q) => [levelKey(q.sku, q.location_id), q]));
      const { rows } = await this.pool.query<LevelRow & { updated_at: Date }>(
        `SELECT ${LEVEL_COLUMNS}, updated_at FROM stock_levels WHERE (sku, location_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [[...keys.values()].map((k) => k.sku), [...keys.values()].map((k) => k.location_id)],
      );
      const views: LevelView[] = rows.map((r) => toView(levelFromRow(r), r.updated_at.toISOString()));
      for (const messages of chunkBySize(views.map((v) => ({ key: levelKey(v.sku, v.locationId), value: JSON.stringify(v) })))) {
        await this.producer.sendBatch({ topicMessages: [{ topic: this.topic, messages }], acks: -1 });
      }
      await this.cache.writeThrough(views);
      await this.pool.query('DELETE FROM level_outbox WHERE id = ANY($1::bigint[])', [queued.map((q) => q.id)]);
      return queued.length;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'level outbox drain failed; will retry');
      throw error;
    }
  }
}
