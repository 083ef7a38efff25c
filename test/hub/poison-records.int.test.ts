/**
 * Nothing stalls (invariant 8): records that can never be processed, on the canonical topic the
 * reconciler and the ERP write-back consume, go to each stage's dead-letter topic with their
 * reason, bytes and position, and both stages go on: the movements around them are applied and
 * written back, and each group's Kafka lag is back to 0 within 10 s. The services are real
 * processes on a topic and groups of the test's own.
 */
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { Client, type Pool } from 'pg';
import { connectProducer, ensureTopics } from '../../core/kafka';
import type { StockMovement } from '../../core/model';
import { TOPICS } from '../../core/topics';
import { hubPool } from '../support/hub-db';
import { stack, testKafka, TopicWatcher } from '../support/kafka';
import { startService, startSinks, type Service } from '../support/services';
import { ShopifyEmulator } from '../support/shopify-emulator';
import { eventually } from '../support/wait';

const run = randomUUID().slice(0, 8);
const topic = `it.poison.${run}`;
const reconcilerGroup = `it-poison-reconciler-${run}`;
const writebackGroup = `it-poison-wb-${run}`;

function sale(id: string, sku: string): StockMovement {
  const at = new Date().toISOString();
  return {
    schema: 'stock.movement.v1',
    eventId: `it-poison-${run}-${id}`,
    type: 'SALE',
    sku,
    locationId: 'S009',
    quantity: -1,
    occurredAt: at,
    ingestedAt: at,
    source: { system: 'PDV', instance: 'S009', ref: { document: `R-${run}`, line: null, entity: 'test' }, position: null, raw: null },
    actor: 'it',
    reason: null,
    correlationId: null,
  };
}

async function lag(admin: Admin, groupId: string, of: string = topic): Promise<number> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [of] });
  const ends = await admin.fetchTopicOffsets(of);
  return ends.reduce((sum, end) => {
    const at = Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
    return sum + Number(end.high) - Math.max(0, at);
  }, 0);
}

describe('poison records on stock.movements', () => {
  const kafka = testKafka('poison');
  const admin = kafka.admin();
  let pool: Pool;
  let erp: Client;
  let watcher: TopicWatcher;
  let reconciler: Service;
  let writeback: Service;

  beforeAll(async () => {
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 2, description: 'test' }, { name: `it.poison-levels.${run}`, partitions: 1, description: 'test' }]);
    pool = await hubPool();
    erp = new Client({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD });
    await erp.connect();
    watcher = new TopicWatcher('poison', [TOPICS.reconcilerDlq, TOPICS.erpWritebackDlq]);
    await watcher.start();
    reconciler = await startService('poison-reconciler', 'hub/reconciler/main.ts', 18301, { RECONCILER_HTTP_PORT: '18301', RECONCILER_TOPIC: topic, RECONCILER_GROUP: reconcilerGroup, LEVELS_TOPIC: `it.poison-levels.${run}` });
    writeback = await startService('poison-writeback', 'hub/channels/erp-writeback/main.ts', 18302, { WRITEBACK_HTTP_PORT: '18302', WRITEBACK_TOPIC: topic, WRITEBACK_GROUP: writebackGroup, WRITEBACK_START_FROM: 'earliest' });
  });

  afterAll(async () => {
    await writeback?.stop();
    await reconciler?.stop();
    await watcher?.stop();
    await admin.deleteGroups([reconcilerGroup, writebackGroup]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic, `it.poison-levels.${run}`] }).catch(() => undefined);
    await admin.disconnect();
    await erp?.end();
    await pool?.end();
  });

  it('dead-letters each with its reason and bytes; the movements around them are applied and written back; lag is 0 within 10 s', async () => {
    const before = sale('before', `P${run}-A`);
    const longSku = sale('long', `P${run}-SKU-OF-TWENTY-NINE-`);
    expect(longSku.sku).toHaveLength(29);
    const after = sale('after', `P${run}-B`);
    const { sku: _missing, ...invalid } = sale('invalid', 'x');
    const producer = await connectProducer(kafka);
    // One key, one partition: the poison sits between the good records, in order.
    const key = `P${run}`;
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key, value: JSON.stringify(before) },
        { key, value: '{"schema": "stock.movement.v1", not json', headers: { origin: 'test' } },
        { key, value: JSON.stringify(invalid) },
        { key, value: JSON.stringify(longSku) },
        { key, value: JSON.stringify(after) },
      ],
    });
    await producer.disconnect();
    const produced = Date.now();

    await eventually('both stages at the end of the topic', async () => ((await lag(admin, reconcilerGroup)) === 0 && (await lag(admin, writebackGroup)) === 0 ? true : undefined), 10_000);
    const recovered = Date.now() - produced;
    expect(recovered).toBeLessThan(10_000);

    const ledger = await pool.query<{ event_id: string }>('SELECT event_id FROM ledger WHERE event_id = ANY($1) ORDER BY event_id', [[before.eventId, longSku.eventId, after.eventId]]);
    expect(ledger.rows.map((r) => r.event_id).sort()).toEqual([after.eventId, before.eventId, longSku.eventId].sort());
    const written = await erp.query<{ HUBEVT: string }>(`SELECT "HUBEVT" FROM "ERPADM"."HUBIMP" WHERE "HUBEVT" = ANY($1)`, [[before.eventId, longSku.eventId, after.eventId]]);
    expect(written.rows.map((r) => r.HUBEVT).sort()).toEqual([after.eventId, before.eventId].sort());

    const letters = (dlq: string) =>
      watcher
        .all()
        .filter((r) => r.topic === dlq && r.message.headers?.['dlq.source.topic']?.toString() === topic)
        .map((r) => ({ stage: r.message.headers!['dlq.stage']!.toString(), field: r.message.headers!['dlq.field']!.toString(), reason: r.message.headers!['dlq.reason']!.toString(), value: r.message.value!.toString() }));
    await eventually('the dead letters', async () => (letters(TOPICS.erpWritebackDlq).length >= 3 ? true : undefined), 5_000);
    const reconcilerLetters = letters(TOPICS.reconcilerDlq);
    expect(reconcilerLetters.map((l) => [l.stage, l.field])).toEqual([
      ['decode', ''],
      ['validate', 'sku'],
    ]);
    expect(reconcilerLetters[0]!.value).toBe('{"schema": "stock.movement.v1", not json');
    const writebackLetters = letters(TOPICS.erpWritebackDlq);
    expect(writebackLetters.map((l) => [l.stage, l.field])).toEqual([
      ['decode', ''],
      ['validate', 'sku'],
      ['validate', 'ITMCD'],
    ]);
    expect(writebackLetters[2]!.reason).toMatch(/ITMCD takes at most 20 characters/);

    const metrics = await (await fetch(`${reconciler.url}/metrics`)).text();
    expect(metrics).toMatch(/stockhub_reconciler_invalid_total\{[^}]*\} 2/);
    expect((await fetch(`${reconciler.url}/health`)).status).toBe(200);
    expect((await fetch(`${writeback.url}/health`)).status).toBe(200);
  });
});

describe('poison records on stock.levels', () => {
  const kafka = testKafka('poison-levels');
  const admin = kafka.admin();
  const levelsTopic = `it.poison-shopify-levels.${run}`;
  const group = `it-poison-channel-${run}`;
  const sku = `L${run}`;
  let emulator: ShopifyEmulator;
  let channel: Service;
  let watcher: TopicWatcher;

  beforeAll(async () => {
    await admin.connect();
    await ensureTopics(admin, [{ name: levelsTopic, partitions: 1, description: 'test' }]);
    emulator = await ShopifyEmulator.start('poison', 18303, 'http://127.0.0.1:9/unused');
    await emulator.addItems([{ sku, levels: { '74128450876': 1 } }]);
    watcher = new TopicWatcher('poison-levels', [TOPICS.shopifyChannelDlq]);
    await watcher.start();
    channel = await startService('poison-channel', 'hub/channels/shopify/main.ts', 18304, {
      SHOPIFY_CHANNEL_HTTP_PORT: '18304',
      SHOPIFY_CHANNEL_GROUP: group,
      SHOPIFY_LEVELS_TOPIC: levelsTopic,
      SHOPIFY_ADMIN_URL: emulator.url,
    });
  }, 60_000);

  afterAll(async () => {
    await channel?.stop();
    await emulator?.stop();
    await watcher?.stop();
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.deleteTopics({ topics: [levelsTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('the Shopify channel dead-letters what is not a level view and still pushes the level behind it', async () => {
    const view = { sku, locationId: 'S001', onHand: 7, reserved: 0, safetyStock: 0, available: 7, negative: false, version: 1, updatedAt: new Date().toISOString() };
    const producer = await connectProducer(kafka);
    await producer.send({
      topic: levelsTopic,
      acks: -1,
      messages: [
        { key: `${sku}@S001`, value: Buffer.from([0xff, 0xfe, 0x00]) },
        { key: `${sku}@S001`, value: JSON.stringify({ ...view, available: 'seven' }) },
        { key: `${sku}@S001`, value: JSON.stringify(view) },
      ],
    });
    await producer.disconnect();
    await eventually('the channel at the end of its topic', async () => ((await lag(admin, group, levelsTopic)) === 0 ? true : undefined), 10_000);
    await eventually(`${sku}@S001 in Shopify`, async () => ((await emulator.level(sku, 'S001')) === 7 ? true : undefined), 15_000);
    const letters = watcher.all().filter((r) => r.message.headers?.['dlq.source.topic']?.toString() === levelsTopic);
    expect(letters.map((r) => [r.message.headers!['dlq.stage']!.toString(), r.message.headers!['dlq.field']!.toString(), r.message.headers!['dlq.worker']!.toString()])).toEqual([
      ['decode', '', 'shopify-channel'],
      ['validate', 'available', 'shopify-channel'],
    ]);
    expect(Buffer.compare(letters[0]!.message.value!, Buffer.from([0xff, 0xfe, 0x00]))).toBe(0);
    expect((await fetch(`${channel.url}/health`)).status).toBe(200);
  });
});

describe('poison records on the raw topics', () => {
  const kafka = testKafka('poison-raw');
  const admin = kafka.admin();
  const debeziumGroup = `it-poison-debezium-${run}`;
  const shopifyGroup = `it-poison-shopify-${run}`;
  let sinks: Service;
  let watcher: TopicWatcher;

  beforeAll(async () => {
    await admin.connect();
    watcher = new TopicWatcher('poison-raw', [TOPICS.movementsDlq]);
    await watcher.start();
    sinks = await startSinks('poison', 18305, run, { SINK_DEBEZIUM_GROUP: debeziumGroup, SINK_SHOPIFY_GROUP: shopifyGroup });
  }, 60_000);

  afterAll(async () => {
    await sinks?.stop();
    await watcher?.stop();
    await admin.deleteGroups([debeziumGroup, shopifyGroup]).catch(() => undefined);
    await admin.disconnect();
  });

  it('the sinks dead-letter a record that is not JSON on a Debezium topic and on the webhook topic, and their lag is 0 within 10 s', async () => {
    const marker = `not json ${run}`;
    const producer = await connectProducer(kafka);
    await producer.send({ topic: TOPICS.erpStockJournal, acks: -1, messages: [{ key: `{"JRNLNO":${run.length}}`, value: `{${marker}` }] });
    await producer.send({ topic: TOPICS.shopifyWebhooks, acks: -1, messages: [{ key: run, value: `{${marker}`, headers: { topic: 'orders/create', shop: 'retailmax.myshopify.com', webhookId: run } }] });
    await producer.disconnect();
    const lagOf = async (groupId: string, of: string) => lag(admin, groupId, of);
    await eventually('both sink workers at the end of their topics', async () => ((await lagOf(debeziumGroup, TOPICS.erpStockJournal)) === 0 && (await lagOf(shopifyGroup, TOPICS.shopifyWebhooks)) === 0 ? true : undefined), 10_000);
    const letters = await eventually('both dead letters', async () => {
      const found = watcher.all().filter((r) => r.message.value?.toString() === `{${marker}`);
      return found.length >= 2 ? found : undefined;
    }, 5_000);
    // Other sink deployments on the same raw topics (a demo, a fault run) dead-letter the same records: one per source record counts.
    const unique = new Set(letters.map((r) => JSON.stringify([r.message.headers!['dlq.source.topic']!.toString(), r.message.headers!['dlq.worker']!.toString()])));
    expect([...unique].map((u) => JSON.parse(u) as string[]).sort()).toEqual([
      [TOPICS.erpStockJournal, 'sink-debezium'],
      [TOPICS.shopifyWebhooks, 'sink-shopify'],
    ]);
    expect((await fetch(`${sinks.url}/health`)).status).toBe(200);
  });
});
