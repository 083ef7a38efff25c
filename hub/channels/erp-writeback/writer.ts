import type { Pool } from 'pg';
import type { InterfaceRow } from './interface-rows';

/**
 * Inserts interface rows for the ERP's import job. The hub's event id is unique in the table, so
 * a batch consumed twice inserts nothing twice. TRNDT is written in UTC, as the hub keeps time.
 */
export async function writeInterfaceRows(erp: Pool, rows: readonly InterfaceRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await erp.query(
    `INSERT INTO "ERPADM"."HUBIMP" ("HUBEVT", "ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "TRNDT")
     SELECT e, i, b, t, q, d, (o::timestamptz AT TIME ZONE 'UTC')
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[]) AS u(e, i, b, t, q, d, o)
     ON CONFLICT ("HUBEVT") DO NOTHING`,
    [
      rows.map((r) => r.hubEventId),
      rows.map((r) => r.itemCode),
      rows.map((r) => r.branchCode),
      rows.map((r) => r.typeCode),
      rows.map((r) => r.quantity),
      rows.map((r) => r.document),
      rows.map((r) => r.occurredAt),
    ],
  );
  return result.rowCount ?? 0;
}
