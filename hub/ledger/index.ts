export type { Incoming, KafkaPosition, LedgerEntry } from './entry';
export { appendLedger, knownEventIds, loadOffsets, saveOffsets, sumDeltasAfter } from './store';
