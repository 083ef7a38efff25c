import { hostname } from 'node:os';
import { Client } from 'pg';
import type { CheckResult } from '../../../core/http/ops-router';
import type { Logger } from '../../../core/logging';

export interface LeaderLockOptions {
  /** The hub's database, where the lock lives. */
  url: string;
  /** What is led: one lock per channel (its consumer group) and shop. */
  channel: string;
  shop: string;
  /** How often a standby tries to take the lock and the leader checks its session, in ms. */
  retryMs: number;
  /** Longest wait for PostgreSQL on the lock's connection, in ms: a leader that cannot tell steps down. */
  queryTimeoutMs: number;
  /**
   * PostgreSQL ends the lock's session after this long without a query, in ms, which frees the
   * lock of a leader that is frozen or cut off (a dead process frees it at once: its socket closes).
   */
  idleSessionTimeoutMs: number;
}

/** Called on each change of role, one at a time; the lock is released only after a step-down returned. */
export type RoleChange = (leading: boolean) => Promise<void>;

// The two-key form keeps these locks apart from the one-key migration lock (hub/db/migrate.ts).
const LOCK_KEYS = "hashtext('stockhub:shopify-channel'), hashtext($1)";

/**
 * At most one active pusher per shop: a PostgreSQL session advisory lock, held on a connection of
 * its own for as long as that connection lives. The leader runs the pusher and the order
 * read-back; the others stand by and try for the lock every `retryMs`, so a leader that dies
 * (kill -9, a terminated backend, a frozen process once `idleSessionTimeoutMs` has passed) is
 * replaced within about a second of PostgreSQL letting go. A leader that loses its connection
 * steps down at once; a call it had in flight may still land beside its successor's first, which
 * compare-and-set and the idempotency keys make harmless.
 */
export class LeaderLock {
  private client: Client | null = null;
  private since: Date | null = null;
  /** What a standby last saw of the lock's holder. */
  private holder: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private turn: Promise<void> = Promise.resolve();
  private stopped = false;
  /**
   * After losing the connection, no try for the lock before this (epoch ms): a standby that was
   * waiting its turn goes first, rather than the instance whose session was just ended.
   */
  private notBefore = 0;

  constructor(
    private readonly options: LeaderLockOptions,
    private readonly onRoleChange: RoleChange,
    private readonly logger: Logger,
  ) {}

  /** The first attempt is made before this returns, so a lone instance leads from its start. */
  start(): Promise<void> {
    return this.next();
  }

  isLeader(): boolean {
    return this.since !== null;
  }

  /** For /health: a standby is healthy too (it is ready to take over). */
  health(): CheckResult {
    if (this.since !== null) return { ok: true, detail: `leader for ${this.options.shop} since ${this.since.toISOString()}` };
    return { ok: true, detail: `standby for ${this.options.shop}: ${this.holder ?? 'the lock is not held'}; trying every ${this.options.retryMs} ms` };
  }

  /** Steps down (stopping what it leads) before the lock is released, so that no two lead at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.turn;
    await this.drop();
  }

  /** Attempts run one after the other, whether the timer or a lost connection asked for them. */
  private next(): Promise<void> {
    // A role change that threw must not end the attempts: the chain goes on after it.
    this.turn = this.turn.then(() => this.attempt()).catch((error: unknown) => this.logger.error({ err: error }, 'leader role change failed'));
    return this.turn;
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.since === null && Date.now() < this.notBefore) return;
      const client = this.client ?? (await this.connect());
      if (this.since !== null) await client.query('SELECT 1');
      else if (await this.tryLock(client)) await this.lead();
      else this.holder = await this.currentHolder(client);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, leading: this.isLeader() }, 'leader lock connection failed; stepping down if leading, and trying again');
      this.notBefore = Date.now() + this.options.retryMs;
      await this.drop();
    } finally {
      if (this.timer) clearTimeout(this.timer);
      if (!this.stopped) this.timer = setTimeout(() => void this.next(), this.options.retryMs);
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: this.options.queryTimeoutMs,
      query_timeout: this.options.queryTimeoutMs,
      keepAlive: true,
      application_name: `stockhub-shopify-channel ${hostname()} pid ${process.pid}`,
    });
    // A terminated backend or a server gone: step down now, not at the next check.
    client.on('error', () => {
      if (this.client === client) void this.next();
    });
    this.client = client;
    await client.connect();
    await client.query(`SET idle_session_timeout = ${Math.round(this.options.idleSessionTimeoutMs)}`);
    return client;
  }

  private async tryLock(client: Client): Promise<boolean> {
    const { rows } = await client.query<{ got: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEYS}) AS got`, [this.lockName()]);
    return rows[0]?.got === true;
  }

  private async currentHolder(client: Client): Promise<string> {
    const { rows } = await client.query<{ holder: string }>(
      `SELECT format('held by %s (backend %s)', a.application_name, a.pid) AS holder
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          AND (l.classid, l.objid) = (SELECT k1::oid, k2::oid FROM (SELECT ${LOCK_KEYS}) AS k(k1, k2))`,
      [this.lockName()],
    );
    return rows[0]?.holder ?? 'the lock was just released';
  }

  private lockName(): string {
    return `${this.options.channel}|${this.options.shop}`;
  }

  private async lead(): Promise<void> {
    this.since = new Date();
    this.holder = null;
    this.logger.info({ channel: this.options.channel, shop: this.options.shop }, 'leading: this instance pushes to Shopify and reads orders back');
    await this.onRoleChange(true);
  }

  /** Steps down if leading, then closes the connection, which releases the lock if it still held it. */
  private async drop(): Promise<void> {
    if (this.since !== null) {
      this.since = null;
      this.logger.warn({ channel: this.options.channel, shop: this.options.shop }, 'standing by: another instance may push now');
      await this.onRoleChange(false);
    }
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
