import type { ChangeEvent } from './envelope';

/**
 * Where a change sits in its source's log, as one string, from the source block each connector
 * writes: PostgreSQL `lsn`; Oracle `scn` (with LogMiner's `rs_id` and `ssn`, since one SCN can
 * cover several rows); MySQL/MariaDB binlog `file:pos` and the row within the event.
 */
export function sourcePosition(source: ChangeEvent['source']): string | null {
  const s = source as Record<string, unknown>;
  switch (source.connector) {
    case 'postgresql':
      return s.lsn === undefined || s.lsn === null ? null : `lsn:${String(s.lsn)}`;
    case 'oracle':
      return s.scn === undefined || s.scn === null ? null : `scn:${String(s.scn)}:${String(s.rs_id ?? '')}:${String(s.ssn ?? '')}`;
    case 'mysql':
    case 'mariadb':
      return s.file === undefined ? null : `${String(s.file)}:${String(s.pos)}:${String(s.row ?? 0)}`;
    default:
      return null;
  }
}

/** schema.table (PostgreSQL, Oracle) or db.table (MySQL/MariaDB), as the mapping names tables. */
export function sourceTable(source: ChangeEvent['source']): string {
  const s = source as Record<string, unknown>;
  const container = s.schema ?? s.db ?? '';
  return `${String(container)}.${String(s.table ?? '')}`;
}
