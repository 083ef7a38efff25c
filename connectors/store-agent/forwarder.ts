import { PDV_MAX_BATCH } from '../../core/model';
import type { Logger } from '../../core/logging';
import type { LocalDb } from './local-db';

/**
 * Forwards the outbox to the hub's PDV ingest, oldest first, one batch at a time; a batch leaves
 * the outbox only once the hub answered 202 (it has it in Kafka). A batch re-sent after a lost
 * answer carries the same till ids, so the hub applies it once.
 */
export class Forwarder {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly db: LocalDb,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Sends everything pending; returns how many were acknowledged. */
  async flush(): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    let sent = 0;
    try {
      for (let batch = this.db.pending(PDV_MAX_BATCH); batch.length > 0; batch = this.db.pending(PDV_MAX_BATCH)) {
        const response = await fetch(this.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(batch.map((b) => b.event)),
          signal: AbortSignal.timeout(10_000),
        });
        const seqs = batch.map((b) => b.seq);
        if (response.status === 202) {
          this.db.markSent(seqs);
          sent += seqs.length;
          continue;
        }
        const body = await response.text();
        if (response.status === 400) {
          this.db.markRejected(seqs, body);
          this.logger.error({ status: response.status, body, count: seqs.length }, 'hub refused a batch of till events; kept for review');
          continue;
        }
        throw new Error(`ingest answered ${response.status}: ${body}`);
      }
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, backlog: this.db.backlog() }, 'hub unreachable; till events stay in the outbox');
    } finally {
      this.busy = false;
    }
    if (sent > 0) this.logger.info({ sent, backlog: this.db.backlog() }, 'till events forwarded');
    return sent;
  }
}
