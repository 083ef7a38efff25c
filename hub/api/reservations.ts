import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { Logger } from '../../core/logging';
import { checkMovement, type MovementType, type StockMovement } from '../../core/model';
import { inTransaction } from '../db';
import { levelKey, lockLevels, saveLevels, type Level, type LevelPublisher } from '../levels';
import { appendLedger, type LedgerEntry } from '../ledger';
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
 * Reservations that never oversell: taking a unit is one conditional UPDATE
 * (`... WHERE on_hand - reserved - safety_stock >= quantity`), which PostgreSQL re-checks on the
 * locked row, so of any number of concurrent requests for the last unit exactly one succeeds.
 * Each step is written to the ledger (RESERVE, RELEASE, SALE) in the same transaction, with an
 * event id derived from the reservation.
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
        const taken = await db.query(
          `UPDATE stock_levels SET reserved = reserved + $3, version = version + 1, updated_at = now()
           WHERE sku = $1 AND location_id = $2 AND on_hand - reserved - safety_stock >= $3`,
          [request.sku, locationId, request.quantity],
        );
        if (taken.rowCount === 1) {
          const { rows } = await db.query<ReservationRow>(
            `INSERT INTO reservations (id, sku, location_id, quantity, status, owner, reference, expires_at)
             VALUES ($1, $2, $3, $4, 'ACTIVE', $5, $6, now() + make_interval(secs => $7)) RETURNING *`,
            [id, request.sku, locationId, request.quantity, caller.subject, request.reference, request.ttlSeconds],
          );
          const reservation = fromRow(rows[0]!);
          await this.record(db, reservation, [['RESERVE', 'reserve', request.quantity]], 'reserved', caller.subject, true);
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
      await this.record(db, updated, steps(updated), reason, caller.subject, false);
      return updated;
    });
    this.publish();
    this.logger.info({ reservationId: id, sku: reservation.sku, locationId: reservation.locationId, status }, `reservation ${reason}`);
    return reservation;
  }

  /**
   * Applies the steps to the (locked) level and writes them to the ledger. `reservedAlready`: the
   * conditional UPDATE has already added the reserved units (the atomic part of reserve).
   */
  private async record(db: PoolClient, r: Reservation, steps: Step[], reason: string, actor: string, reservedAlready: boolean): Promise<void> {
    const levels = await lockLevels(db, [{ sku: r.sku, locationId: r.locationId }]);
    const level = levels.get(levelKey(r.sku, r.locationId))!;
    const entries: LedgerEntry[] = [];
    const now = new Date().toISOString();
    for (const [type, step, quantity] of steps) {
      const before = { onHand: level.onHand, reserved: level.reserved };
      if (type === 'RESERVE' && reservedAlready) before.reserved -= quantity;
      else apply(level, type, quantity);
      entries.push({
        event: movement(r, type, step, quantity, now, reason, actor),
        kafka: null,
        effect: 'applied',
        onHandBefore: before.onHand,
        onHandAfter: level.onHand,
        reservedBefore: before.reserved,
        reservedAfter: level.reserved,
        wentNegative: level.onHand < 0 && level.onHand < before.onHand,
      });
    }
    if (!reservedAlready) level.version += 1;
    await appendLedger(db, entries);
    await saveLevels(db, [level]);
  }

  private publish(): void {
    this.levels.drain().catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'level publish deferred'));
  }
}

type Step = [MovementType, string, number];

const ownsOrOps = (caller: Caller, owner: string): boolean => caller.role === 'ops' || caller.subject === owner;

function apply(level: Level, type: MovementType, quantity: number): void {
  if (type === 'RESERVE') level.reserved += quantity;
  else if (type === 'RELEASE') level.reserved = Math.max(0, level.reserved - quantity);
  else level.onHand += quantity;
}

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
  if (!checked.ok) throw new Error(`reservation step is not a valid movement: ${checked.field}: ${checked.message}`);
  return checked.event;
}
