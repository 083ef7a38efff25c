/**
 * Every topic the project owns, with its partition count and retention. scripts/create-topics.ts
 * creates them before anything produces (kafkajs and KRaft race on auto-creation, and the broker
 * runs with auto.create.topics.enable=false).
 *
 * Partition counts: 6 lets the canonical stream spread over a few reconciler instances while
 * per-SKU ordering holds (keys hash to one partition); the DLQ needs no parallelism.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Extra topic configs, as Kafka names them. */
  readonly config?: Readonly<Record<string, string>>;
  readonly description: string;
}

/** Debezium topics are named <topic.prefix>.<schema>.<table> by the connectors in connectors/. */
export const RAW_TOPICS = {
  erpStockBalance: 'erp.ERPADM.STKBAL',
  erpStockJournal: 'erp.ERPADM.STKJRNL',
  wmsInventory: 'wms.wms.inv_inventory',
  wmsTransactions: 'wms.wms.itx_transaction',
  pdvMovements: 'raw.pdv.movements',
  shopifyWebhooks: 'raw.shopify.webhooks',
} as const;

export const TOPICS = {
  ...RAW_TOPICS,
  movements: 'stock.movements',
  movementsDlq: 'stock.movements.dlq',
  levels: 'stock.levels',
  reconcilerDlq: 'stock.reconciler.dlq',
  erpWritebackDlq: 'stock.erp-writeback.dlq',
  shopifyChannelDlq: 'stock.shopify-channel.dlq',
} as const;

/**
 * Each consuming stage's dead-letter topic (invariant 8): the sinks' holds raw records that did
 * not map; the others hold records of the hub's own topics that their stage could never process.
 */
export const DLQ_TOPICS = [TOPICS.movementsDlq, TOPICS.reconcilerDlq, TOPICS.erpWritebackDlq, TOPICS.shopifyChannelDlq] as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

const RAW_RETENTION = { 'retention.ms': String(7 * 24 * 3600 * 1000) };

export const TOPIC_SPECS: readonly TopicSpec[] = [
  { name: TOPICS.erpStockBalance, partitions: 6, config: RAW_RETENTION, description: 'Debezium: ERP stock balance per item per branch' },
  { name: TOPICS.erpStockJournal, partitions: 6, config: RAW_RETENTION, description: 'Debezium: ERP stock movement journal' },
  { name: TOPICS.wmsInventory, partitions: 6, config: RAW_RETENTION, description: 'Debezium: WMS stock per bin and SKU' },
  { name: TOPICS.wmsTransactions, partitions: 6, config: RAW_RETENTION, description: 'Debezium: WMS inventory transactions' },
  { name: TOPICS.pdvMovements, partitions: 6, config: RAW_RETENTION, description: 'PDV ingest: store sales and returns as posted' },
  { name: TOPICS.shopifyWebhooks, partitions: 6, config: RAW_RETENTION, description: 'Shopify webhooks as received' },
  { name: TOPICS.movements, partitions: 6, config: { 'retention.ms': String(30 * 24 * 3600 * 1000) }, description: 'canonical stock.movement.v1 events, key = SKU' },
  { name: TOPICS.movementsDlq, partitions: 1, config: { 'retention.ms': '-1' }, description: 'dead letters: original bytes, source position and reason' },
  { name: TOPICS.reconcilerDlq, partitions: 1, config: { 'retention.ms': '-1' }, description: 'dead letters of the reconciler: stock.movements records it could never apply' },
  { name: TOPICS.erpWritebackDlq, partitions: 1, config: { 'retention.ms': '-1' }, description: 'dead letters of the ERP write-back: movements the ERP interface table cannot take' },
  { name: TOPICS.shopifyChannelDlq, partitions: 1, config: { 'retention.ms': '-1' }, description: 'dead letters of the Shopify channel: stock.levels records that are not level views' },
  {
    name: TOPICS.levels,
    partitions: 6,
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
    description: 'current level per sku@location (compacted)',
  },
];
