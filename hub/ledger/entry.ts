import type { StockMovement } from '../../core/model';

/** Where a canonical event was read from; null for the hub's own reservation steps. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface Incoming {
  event: StockMovement;
  kafka: KafkaPosition | null;
}

export interface LedgerEntry {
  event: StockMovement;
  kafka: KafkaPosition | null;
  effect: 'applied' | 'stale';
  onHandBefore: number;
  onHandAfter: number;
  reservedBefore: number;
  reservedAfter: number;
  wentNegative: boolean;
}
