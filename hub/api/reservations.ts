import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { ConflictError, NotFoundError, StockHubError } from '../../core/errors';
import type { Logger } from '../../core/logging';
import { checkMovement, type MovementType, type StockMovement } from '../../core/model';
import { inTransaction } from '../db';
import { applyMovements, LEVEL_COLUMNS, levelFromRow, levelKey, lockLevels, saveLevels, type DeltasAfter, type Level, type LevelPublisher, type LevelRow } from '../levels';
import { appendLedger } from '../ledger';
import { assertLocationAllowed, type Caller } from '../auth';

export interface Reservation {
  id: string;
  sku: string;
  locationId: string;
  quantity: number;
  status: 'ACTIVE' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';
  owner: string;
  reference: string | null;
  expiresAt: string;
}

export interface ReserveRequest {
  sku: string;
  /** A location, or 'any': the one with the most available. */
  locationId: string;
  quantity: number;
  ttlSeconds: number;
  reference: string | null;
}

interface ReservationRow {
  id: string;
  sku: string;
  location_id: string;
  quantity: number;
  status: Reservation['status'];
  owner: string;
  reference: string | null;
  expires_at: Date;
}

const fromRow = (r: ReservationRow): Reservation => ({
  id: r.id,
  sku: r.sku,
  locationId: r.location_id,
  quantity: r.quantity,
  status: r.status,
  owner: r.owner,
  reference: r.reference,
  expiresAt: r.expires_at.toISOString(),
});

/**
 * Reservations that never oversell: taking a unit is one conditional row lock
 * (`... WHERE on_hand - reserved - safety_stock >= quantity FOR UPDATE`), whose condition
 * PostgreSQL re-checks on the newest version of the row once a concurrent holder lets go, so of
 * any number of concurrent requests for the last unit exactly one succeeds. Each step (RESERVE,
 * RELEASE, SALE) is a movement with an event id derived from the reservation, applied by the
 * levels' one rule (so a confirmed sale is a delta a later count with an earlier business time
 * re-adds) and written to the ledger in the same transaction.
 */
export class Reservations {
  constructor(
    private readonly pool: Pool,
    private readonly levels: LevelPublisher,
    private readonly logger: Logger,
  ) {}

  async reserve(caller: Caller, request: ReserveRequest): Promise<Reservation> {
    assertLocationAllowed(caller, request.locationId, 'reserve');
    const id = randomUUID();
    const reservation = await inTransaction(this.pool, async (db) => {
      const candidates =
        request.locationId === 'any'
          ? (await db.query<{ location_id: string }>(
              `SELECT location_id FROM stock_levels WHERE sku = $1 AND on_hand - reserved - safety_stock >= $2
               ORDER BY on_hand - reserved - safety_stock DESC, location_id`,
              [request.sku, request.quantity],
            )).rows.map((r) => r.location_id)
          : [request.locationId];
      for (const locationId of candidates) {
        const { rows: taken } = await db.query<LevelRow>(
          `SELECT ${LEVEL_COLUMNS} FROM stock_levels
           WHERE sku = $1 AND location_id = $2 AND on_hand - reserved - safety_stock >= $3 FOR UPDATE`,
          [request.sku, locationId, request.quantity],
        );
        const level = taken[0];
        if (level !== undefined) {
          const { rows } = await db.query<ReservationRow>(
            `INSERT INTO reservations (id, sku, location_id, quantity, status, owner, reference, expires_at)
             VALUES ($1, $2, $3, $4, 'ACTIVE', $5, $6, now() + make_interval(secs => $7)) RETURNING *`,
            [id, request.sku, locationId, request.quantity, caller.subject, request.reference, request.ttlSeconds],
          );
          const reservation = fromRow(rows[0]!);
          await this.record(db, levelFromRow(level), reservation, [['RESERVE', 'reserve', request.quantity]], 'reserved', caller.subject);
          return reservation;
        }
      }
      const { rows } = await db.query<{ location_id: string; available: number }>(
        `SELECT location_id, on_hand - reserved - safety_stock AS available FROM stock_levels
         WHERE sku = $1 AND on_hand - reserved - safety_stock > 0 ORDER BY available DESC, location_id`,
        [request.sku],
      );
      throw new ConflictError(`not enough ${request.sku} available ${request.locationId === 'any' ? 'at any location' : `at ${request.locationId}`}`, {
        locations: rows.map((r) => ({ locationId: r.location_id, available: r.available })),
      });
    });
    this.publish();
    this.logger.info({ reservationId: id, sku: reservation.sku, locationId: reservation.locationId, quantity: reservation.quantity, owner: caller.subject }, 'reserved');
    return reservation;
  }

  /** The reservation became a sale: the units leave reserved and on-hand. */
  confirm(caller: Caller, id: string): Promise<Reservation> {
    return this.finish(caller, id, 'CONFIRMED', (r) => [['RELEASE', 'release', r.quantity], ['SALE', 'sale', -r.quantity]], 'confirmed');
  }

  cancel(caller: Caller, id: string): Promise<Reservation> {
    return this.finish(caller, id, 'RELEASED', (r) => [['RELEASE', 'release', r.quantity]], 'cancelled');
  }

  /** Releases the reservations past their expiry; returns how many. */
  async expire(): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM reservations WHERE status = 'ACTIVE' AND expires_at < now() ORDER BY expires_at LIMIT 500`);
    let expired = 0;
    for (const { id } of rows) {
      try {
        await this.finish({ role: 'ops', subject: 'hub:expiry' }, id, 'EXPIRED', (r) => [['RELEASE', 'release', r.quantity]], 'expired');
        expired++;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error; // confirmed or cancelled meanwhile
      }
    }
    return expired;
  }

  async get(caller: Caller, id: string): Promise<Reservation> {
    const { rows } = await this.pool.query<ReservationRow>('SELECT * FROM reservations WHERE id = $1', [id]);
    const row = rows[0];
    if (row === undefined || !ownsOrOps(caller, row.owner)) throw new NotFoundError(`reservation ${id} not found`);
    return fromRow(row);
  }

  private async finish(caller: Caller, id: string, status: 'CONFIRMED' | 'RELEASED' | 'EXPIRED', steps: (r: Reservation) => Step[], reason: string): Promise<Reservation> {
    const reservation = await inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<ReservationRow>('SELECT * FROM reservations WHERE id = $1 FOR UPDATE', [id]);
      const row = rows[0];
      // Someone else's reservation is reported as missing, not as forbidden: ids are not to be probed.
      if (row === undefined || !ownsOrOps(caller, row.owner)) throw new NotFoundError(`reservation ${id} not found`);
      if (row.status !== 'ACTIVE') throw new ConflictError(`reservation ${id} is ${row.status}`, { status: row.status });
      const updated = fromRow((await db.query<ReservationRow>('UPDATE reservations SET status = $2, updated_at = now() WHERE id = $1 RETURNING *', [id, status])).rows[0]!);
      const levels = await lockLevels(db, [{ sku: updated.sku, locationId: updated.locationId }]);
      await this.record(db, levels.get(levelKey(updated.sku, updated.locationId))!, updated, steps(updated), reason, caller.subject);
      return updated;
    });
    this.publish();
    this.logger.info({ reservationId: id, sku: reservation.sku, locationId: reservation.locationId, status }, `reservation ${reason}`);
    return reservation;
  }

  /** Applies the steps to the level (locked by the caller) and writes them to the ledger. */
  private async record(db: PoolClient, level: Level, r: Reservation, steps: Step[], reason: string, actor: string): Promise<void> {
    const now = new Date().toISOString();
    const batch = steps.map(([type, step, quantity]) => ({ event: movement(r, type, step, quantity, now, reason, actor), kafka: null }));
    // Nothing to look up in the ledger: the locked reservation row and its status let each step happen once.
    const entries = applyMovements(new Map([[levelKey(level.sku, level.locationId), level]]), batch, new Set(), neverCounted);
    await appendLedger(db, entries);
    await saveLevels(db, [level]);
  }

  private publish(): void {
    this.levels.drain().catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'level publish deferred'));
  }
}

type Step = [MovementType, string, number];

const ownsOrOps = (caller: Caller, owner: string): boolean => caller.role === 'ops' || caller.subject === owner;

/** Asked by the rule only for a COUNT, which no reservation step is. */
const neverCounted: DeltasAfter = () => {
  throw new StockHubError('a reservation step was taken for a COUNT');
};

function movement(r: Reservation, type: MovementType, step: string, quantity: number, at: string, reason: string, actor: string): StockMovement {
  const checked = checkMovement({
    schema: 'stock.movement.v1',
    eventId: `hub-rsv-${r.id}-${step}`,
    type,
    sku: r.sku,
    locationId: r.locationId,
    quantity: type === 'SALE' ? -Math.abs(quantity) : Math.abs(quantity),
    occurredAt: at,
    ingestedAt: at,
    source: { system: 'HUB', instance: 'reservations', ref: { document: `RSV-${r.id}`, line: null, entity: 'reservations' }, position: null, raw: null },
    actor,
    reason: `reservation ${reason}`,
    correlationId: r.reference,
  });
  if (!checked.ok) throw new StockHubError(`reservation step is not a valid movement: ${checked.field}: ${checked.message}`);
  return checked.event;
}
