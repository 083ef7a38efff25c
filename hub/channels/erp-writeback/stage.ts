import type { Counter } from 'prom-client';
import { decodeJson, type Stage } from '../../../core/kafka';
import type { Logger } from '../../../core/logging';
import { parseMovement, type MovementType } from '../../../core/model';
import type { InterfaceLimits } from './interface-limits';
import { toInterfaceRow, type InterfaceRow } from './interface-rows';
import type { InterfaceWriter } from './interface-writer';

export interface WritebackStageDeps {
  writer: InterfaceWriter;
  codes: ReadonlyMap<MovementType, string>;
  locations: Readonly<Record<string, string>>;
  limits: InterfaceLimits;
  mode: 'live' | 'shadow';
  written: Counter;
  shadowed: Counter;
  logger: Logger;
}

/**
 * stock.movements -> ERP interface rows. Decoding refuses what the ERP cannot take (a SKU longer
 * than ITMCD): dead-lettered with the column named. A movement the ERP need not hear of decodes to
 * null and is passed over. An insert the ERP refuses for one row's content (an InvalidInputError
 * from the writer, or SQLSTATE class 22 on PostgreSQL) is narrowed down to that row by the
 * consumer runtime; an unreachable ERP is retried.
 */
export function writebackStage(deps: WritebackStageDeps): Stage<InterfaceRow | null> {
  return {
    decode: (message) => toInterfaceRow(parseMovement(decodeJson(message)), deps.codes, deps.locations, deps.limits),
    handle: async (records, position) => {
      const rows = records.flatMap((r) => (r.value === null ? [] : [r.value]));
      if (deps.mode === 'shadow') {
        for (const row of rows) deps.logger.info({ eventId: row.hubEventId, sku: row.itemCode, branch: row.branchCode, type: row.typeCode, quantity: row.quantity }, 'shadow: would write to the ERP interface table');
        deps.shadowed.inc(rows.length);
        return;
      }
      const inserted = await deps.writer.write(rows);
      deps.written.inc(inserted);
      for (const row of rows) deps.logger.debug({ eventId: row.hubEventId, sku: row.itemCode, branch: row.branchCode }, 'written back');
      if (inserted > 0) deps.logger.info({ inserted, partition: position.partition, lastOffset: position.lastOffset }, 'interface rows written for the ERP');
    },
  };
}
