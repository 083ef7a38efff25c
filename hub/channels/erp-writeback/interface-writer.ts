import type { InterfaceRow } from './interface-rows';

/**
 * The ERP's interface table, in whichever database holds it: the stand-in's PostgreSQL or
 * production's Oracle. The stage sees only this, so both take the same path through the
 * consumer runtime: a row's content refused is an InvalidInputError (the runtime narrows the
 * batch down to that row and dead-letters it), an unreachable database a retriable error.
 */
export interface InterfaceWriter {
  /**
   * Inserts the rows in one transaction and returns how many were new: a row whose hub event id
   * (HUBEVT, unique) the table holds already is not written again, so a re-consumed batch is
   * harmless.
   */
  write(rows: readonly InterfaceRow[]): Promise<number>;
  /** True when the database answers; throws or returns false otherwise. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
