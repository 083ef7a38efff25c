import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../../core/errors';
import type { MovementType, StockMovement } from '../../../core/model';
import { fitQuantity, fitText, type InterfaceLimits } from './interface-limits';

/** One row of the ERP's interface table (ERPADM.HUBIMP). */
export interface InterfaceRow {
  hubEventId: string;
  itemCode: string;
  branchCode: string;
  typeCode: string;
  quantity: number;
  document: string | null;
  occurredAt: string;
}

const ERP_MAPPING = resolve(__dirname, '../../../config/mappings/erp.json');
const journalCodes = z.object({ tables: z.array(z.object({ mode: z.string(), typeCodes: z.record(z.string()).optional() })) });

/**
 * The ERP's movement type codes, read from the one ERP mapping (config/mappings/erp.json) and
 * inverted, so the write-back speaks the codes the sink reads. COUNT is not written back: a count
 * taken elsewhere does not overwrite the ERP's books.
 */
export function erpTypeCodes(path: string = ERP_MAPPING): Map<MovementType, string> {
  const parsed = journalCodes.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  const journal = parsed.success ? parsed.data.tables.find((t) => t.mode === 'journal') : undefined;
  if (journal?.typeCodes === undefined) throw new ConfigError(`${path}: no journal table with typeCodes`, 'tables');
  const codes = new Map<MovementType, string>();
  for (const [code, type] of Object.entries(journal.typeCodes)) if (type !== 'COUNT' && !codes.has(type as MovementType)) codes.set(type as MovementType, code);
  return codes;
}

/**
 * Which movements the ERP must hear of: stock that moved in another system (tills, the web,
 * the DC), never what came from the ERP itself, nor reservations (they are not stock movements
 * in the ERP's books). Null for a movement the ERP does not hear of. Hub locations the ERP has no
 * branch for are mapped (`locations`). Throws InvalidInputError, naming the column, for a
 * movement whose values the interface table cannot hold.
 */
export function toInterfaceRow(event: StockMovement, codes: ReadonlyMap<MovementType, string>, locations: Readonly<Record<string, string>>, limits: InterfaceLimits): InterfaceRow | null {
  if (event.source.system === 'ERP' || event.quantity === undefined) return null;
  const typeCode = codes.get(event.type);
  if (typeCode === undefined) return null;
  const document = event.source.ref.document;
  return {
    hubEventId: fitText(limits, 'HUBEVT', event.eventId),
    itemCode: fitText(limits, 'ITMCD', event.sku),
    branchCode: fitText(limits, 'BRNCD', locations[event.locationId] ?? event.locationId),
    typeCode,
    quantity: fitQuantity(limits, event.quantity),
    document: document === null || document === undefined ? null : fitText(limits, 'DOCNO', document),
    occurredAt: event.occurredAt,
  };
}
