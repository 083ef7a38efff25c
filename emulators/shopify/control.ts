import { once } from 'node:events';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../core/errors';
import { orderPayload } from './payloads';
import { NOT_STOCKED, type ItemRecord, type LocationRecord } from './state';
import type { ShopifyEmulator } from './emulator';

/**
 * /_emulator: what tests and the demo use to drive the emulated shop (not Shopify's API):
 * switches (offline, plan, webhooks), faults (an item Shopify refuses), catalogue and levels,
 * staff edits, orders, stats and the log of applied changes.
 */

const decimalId = z.string().regex(/^\d+$/, 'a decimal Shopify id');
const quantity = z.number().int().min(-1_000_000_000).max(1_000_000_000);
const sku = z.string().min(1).max(64);

const schemas = {
  offline: z.object({ offline: z.boolean() }),
  plan: z.object({
    plan: z.enum(['standard', 'advanced', 'plus']).optional(),
    restoreRate: z.number().positive().optional(),
    maximumAvailable: z.number().int().positive().optional(),
    /** Also fill the bucket (tests that need a known starting point). */
    refill: z.boolean().optional(),
  }),
  webhooks: z.object({ enabled: z.boolean() }),
  /**
   * Without `code`: the item is accepted again. A code outside Shopify's
   * InventorySetQuantitiesUserErrorCode makes the whole answer a GraphQL error (the schema cannot
   * represent it): a refusal of the whole call.
   */
  refusal: z.object({ sku, code: z.string().regex(/^[A-Z_]+$/).optional(), message: z.string().max(500).default('Refused by the emulator (a test fault).') }),
  items: z.object({ items: z.array(z.object({ sku, levels: z.record(decimalId, quantity).optional() })).max(100_000) }),
  level: z.object({ sku, locationId: decimalId, available: quantity, webhook: z.boolean().default(true) }),
  order: z.object({
    lines: z.array(z.object({ sku, quantity: z.number().int().min(1) })).min(1),
    locationId: decimalId.optional(),
    webhook: z.boolean().default(true),
  }),
};

function parse<S extends z.ZodTypeAny>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InvalidInputError(`${issue.path.join('.') || 'body'}: ${issue.message}`, issue.path.join('.') || null);
}

/** One level as the control API shows it. */
export interface LevelRow {
  sku: string;
  inventoryItemId: string;
  locationId: string;
  hubLocation: string;
  available: number;
  /** ISO, ms precision. */
  updatedAt: string;
}

const levelRow = (item: ItemRecord, location: LocationRecord): LevelRow => ({
  sku: item.sku,
  inventoryItemId: item.legacyId,
  locationId: location.legacyId,
  hubLocation: location.hubCode,
  available: item.available[location.index]!,
  updatedAt: new Date(item.updatedAt[location.index]!).toISOString(),
});

export function createControlRouter(emulator: ShopifyEmulator): Router {
  const { state, logger } = emulator;
  const router = Router();
  router.use(express.json({ limit: '50mb' }));

  const locationOf = (id: string, field: string): LocationRecord => {
    const location = state.location(id);
    if (!location) throw new InvalidInputError(`unknown location ${id}`, field);
    return location;
  };
  const itemOf = (value: string): ItemRecord => {
    const item = state.itemBySku(value);
    if (!item) throw new NotFoundError(`unknown sku ${value}`);
    return item;
  };
  const levelsOf = (item: ItemRecord): LevelRow[] => state.locations.filter((l) => item.available[l.index] !== NOT_STOCKED).map((l) => levelRow(item, l));

  router.post('/offline', (req, res) => {
    emulator.setOffline(parse(schemas.offline, req.body).offline);
    res.json({ offline: emulator.offline });
  });

  router.put('/plan', (req, res) => {
    const { refill, ...change } = parse(schemas.plan, req.body);
    emulator.setPlan(change);
    if (refill) emulator.bucket.fill();
    res.json({ plan: emulator.plan, throttleStatus: emulator.bucket.status() });
  });

  router.post('/webhooks', (req, res) => {
    emulator.webhooks.enabled = parse(schemas.webhooks, req.body).enabled;
    logger.info({ enabled: emulator.webhooks.enabled }, 'webhooks switched');
    res.json({ enabled: emulator.webhooks.enabled });
  });

  // Every inventorySetQuantities quantity of this SKU gets this user error (field
  // input.quantities.N.quantity), so the call applies nothing: a bad row among good ones.
  router.post('/refusals', (req, res) => {
    const body = parse(schemas.refusal, req.body);
    if (body.code === undefined) emulator.refusals.delete(body.sku);
    else emulator.refusals.set(body.sku, { code: body.code, message: body.message });
    logger.info({ sku: body.sku, code: body.code ?? null }, body.code === undefined ? 'item accepted again' : 'item refused from now on');
    res.json({ refusals: Object.fromEntries(emulator.refusals) });
  });

  // New items are stocked everywhere at the given (or 0) levels, as opening stock: no webhook.
  // An existing SKU is returned as it is.
  router.post('/items', (req, res) => {
    const { items } = parse(schemas.items, req.body);
    const now = Date.now();
    const answer = items.map((entry, i) => {
      const levels = Object.entries(entry.levels ?? {}).map(([id, available]) => [locationOf(id, `items.${i}.levels.${id}`), available] as const);
      const { item, created } = state.addItem(entry.sku, true, now);
      if (created) for (const [location, available] of levels) state.openLevel(item, location, available, now);
      return { sku: item.sku, inventoryItemId: item.legacyId, gid: item.gid };
    });
    logger.debug({ items: answer.length }, 'items added');
    res.json(answer);
  });

  router.get('/levels', (req, res) => {
    const skus = ([] as unknown[]).concat(req.query.sku ?? []).map(String);
    res.json(skus.flatMap((s) => (state.itemBySku(s) ? levelsOf(state.itemBySku(s)!) : [])));
  });

  // A million levels: NDJSON written in chunks, waiting for the socket to drain.
  router.get('/levels/export', (req, res, next) => {
    const write = async (): Promise<void> => {
      res.type('application/x-ndjson');
      const items = state.allItems();
      const CHUNK = 500;
      for (let start = 0; start < items.length; start += CHUNK) {
        if (req.destroyed) return;
        let text = '';
        for (const item of items.slice(start, start + CHUNK)) for (const row of levelsOf(item)) text += `${JSON.stringify(row)}\n`;
        if (!res.write(text)) await once(res, 'drain');
      }
      res.end();
    };
    write().catch(next);
  });

  // A staff edit in the Shopify admin; with webhook:false its webhook is lost.
  router.post('/levels', (req, res) => {
    const body = parse(schemas.level, req.body);
    const item = itemOf(body.sku);
    const location = locationOf(body.locationId, 'locationId');
    state.setAvailable(item, location, body.available, 'admin', body.webhook);
    logger.debug({ sku: item.sku, location: location.hubCode, available: body.available, webhook: body.webhook }, 'level edited in the admin');
    res.json(levelRow(item, location));
  });

  router.post('/orders', (req, res) => {
    const body = parse(schemas.order, req.body);
    const lines = body.lines.map((line) => ({ item: itemOf(line.sku), quantity: line.quantity }));
    const retail = body.locationId === undefined ? null : locationOf(body.locationId, 'locationId');
    const stockLocation = retail ?? state.locationOfHubCode(emulator.options.webLocationId);
    if (!stockLocation) throw new InvalidInputError(`no Shopify location maps to the web location ${emulator.options.webLocationId}`, 'locationId');
    const order = state.createOrder(lines, stockLocation, retail, body.webhook);
    logger.debug({ order: order.name, location: stockLocation.hubCode, lines: lines.length }, 'order created');
    res.status(201).json(orderPayload(order));
  });

  router.get('/stats', (_req, res) => {
    res.json(emulator.statsSnapshot());
  });

  router.post('/stats/reset', (_req, res) => {
    emulator.resetStats();
    res.json(emulator.statsSnapshot());
  });

  router.get('/changes', (req: Request, res: Response) => {
    const since = Number(req.query.since ?? 0);
    const limit = Math.min(Number(req.query.limit ?? 1000), 10_000);
    if (!Number.isInteger(since) || since < 0) throw new InvalidInputError('since: a non-negative integer', 'since');
    if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError('limit: a positive integer', 'limit');
    res.json(state.changes.since(since, limit));
  });

  return router;
}
