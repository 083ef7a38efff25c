import type { Producer } from 'kafkajs';
import { levelKey } from '../../levels';
import type { Clock } from './clock';
import type { DriftRow } from './compare';
import { awaitLedger, planFixes, sendFixes, type FixContext } from './fix';
import type { FixOutcome } from './format';
import type { HubLevels } from './hub-levels';
import { runReport } from './run';
import type { SystemName, SystemView } from './system-view';

/** How long the fix waits for the reconciler before it compares again. */
export const APPLY_WAIT_MS = 10_000;

export interface FixRunInput {
  rows: readonly DriftRow[];
  /** The system whose numbers are trusted (--fix-system). */
  system: SystemName;
  view: SystemView;
  hub: Pick<HubLevels, 'levels' | 'ledgerEffects'>;
  context: FixContext;
  topic: string;
  connect: () => Promise<Producer>;
  /** Shows what would be sent and answers whether to send it. */
  confirm: (preview: string) => Promise<boolean>;
  /** A line for the operator (stderr). */
  say: (line: string) => void;
  clock: Clock;
  signal: AbortSignal;
}

/**
 * Turns the trusted system's drifts into corrective counts, sends them after confirmation, waits
 * (up to 10 s) for the reconciler to record them, then reads the hub and the trusted system again
 * for those SKUs: a drift is resolved only when that fresh comparison no longer shows it.
 */
export async function runFix(input: FixRunInput): Promise<FixOutcome[]> {
  const { context, say } = input;
  const plans = planFixes(
    input.rows.filter((r) => r.system === input.system),
    context,
  );
  const base = (row: DriftRow) => ({ system: row.system, sku: row.sku, location: row.location });
  const skipped: FixOutcome[] = plans.flatMap((p) =>
    'skipped' in p ? [{ ...base(p.row), status: 'skipped' as const, eventId: null, countedQuantity: null, detail: p.skipped, resolved: false }] : [],
  );
  const toSend = plans.flatMap((p) => ('movement' in p ? [p] : []));
  if (toSend.length === 0) return skipped;

  const preview = toSend.map(({ row, movement }) => `  COUNT ${row.sku}@${row.location} = ${movement.countedQuantity}  (${movement.reason}; ${movement.eventId})`).join('\n');
  const question = `${toSend.length} corrective COUNT(s) to ${input.topic}, trusting ${input.system} (run ${context.runId}, actor ${context.actor}):\n${preview}`;
  if (!(await input.confirm(question))) {
    say('nothing sent');
    return [
      ...toSend.map(({ row, movement }) => ({ ...base(row), status: 'declined' as const, eventId: movement.eventId, countedQuantity: movement.countedQuantity!, detail: null, resolved: false })),
      ...skipped,
    ];
  }

  const producer = await input.connect();
  try {
    await sendFixes(producer, input.topic, toSend.map((p) => p.movement));
  } finally {
    await producer.disconnect();
  }
  say(`sent ${toSend.length} COUNT(s) to ${input.topic} (run ${context.runId}); waiting up to ${APPLY_WAIT_MS / 1000} s for the reconciler to apply them`);
  const ids = toSend.map((p) => p.movement.eventId);
  const effects = await awaitLedger(input.hub, ids, input.clock, APPLY_WAIT_MS, input.signal);
  if (effects.size < ids.length) say(`${ids.length - effects.size} COUNT(s) not in the ledger after ${APPLY_WAIT_MS / 1000} s: is the reconciler running? They stay on ${input.topic} and apply when it runs`);

  const recheck = await runReport({
    hub: input.hub,
    views: [input.view],
    skus: [...new Set(toSend.map((p) => p.row.sku))],
    locations: [...new Set(toSend.map((p) => p.row.location))],
    progress: null,
    clock: input.clock,
    signal: input.signal,
  });
  const stillDrifting = new Set(recheck.rows.map((r) => levelKey(r.sku, r.location)));
  const recheckFailed = recheck.summary.failures.length > 0 || !recheck.summary.complete;
  const sent: FixOutcome[] = toSend.map(({ row, movement }) => {
    const effect = effects.get(movement.eventId);
    return {
      ...base(row),
      status: effect === 'applied' ? 'applied' : effect === 'stale' ? 'stale' : 'pending',
      eventId: movement.eventId,
      countedQuantity: movement.countedQuantity!,
      detail: effect === 'stale' ? 'the reconciler kept a later count' : effect === undefined ? `not in the ledger within ${APPLY_WAIT_MS / 1000} s` : null,
      resolved: !recheckFailed && !stillDrifting.has(levelKey(row.sku, row.location)),
    };
  });
  say(`fix: ${sent.filter((o) => o.status === 'applied').length} of ${sent.length} applied, ${sent.filter((o) => o.resolved).length} drift(s) gone on a fresh comparison`);
  return [...sent, ...skipped];
}
