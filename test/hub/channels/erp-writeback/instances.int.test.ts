/**
 * Two ERP write-backs (real processes) in one consumer group, against the ERP stand-in's real
 * interface table: one killed with SIGKILL mid-stream, the survivor takes its partitions, and
 * every movement is in ERPADM.HUBIMP exactly once. Then the whole topic is delivered again (the
 * group's offsets reset, as a rebalance after a lost commit re-delivers what was written): not one
 * row more, and nothing dead-lettered. Runs on a topic, a group and event ids of its own; the
 * rows stay in HUBIMP (the ERP's application user may not delete) with articles the ERP does not
 * have, so its import job rejects them rather than posting them.
 */
import { randomUUID } from 'node:crypto';
import { AssignerProtocol } from 'kafkajs';
import { Client } from 'pg';
import { connectProducer, ensureTopics } from '../../../../core/kafka';
import type { StockMovement } from '../../../../core/model';
import { TOPICS } from '../../../../core/topics';
import { stack, testKafka, TopicWatcher } from '../../../support/kafka';
import { startService, type Service } from '../../../support/services';
import { eventually, sleep } from '../../../support/wait';

const run = randomUUID().slice(0, 8);
const topic = `it.movements.wbha.${run}`;
const group = `it-wbha-${run}`;
const PORTS = { a: 19240, b: 19241 };
const env = (port: number) => ({ WRITEBACK_HTTP_PORT: String(port), WRITEBACK_GROUP: group, WRITEBACK_TOPIC: topic, WRITEBACK_START_FROM: 'earliest' });

let seq = 0;
function sales(count: number): StockMovement[] {
  return Array.from({ length: count }, () => {
    seq += 1;
    const at = new Date().toISOString();
    return {
      schema: 'stock.movement.v1',
      eventId: `it-wbha-${run}-${seq}`,
      type: 'SALE',
      sku: `WB${run}-${seq % 50}`,
      locationId: 'S001',
      quantity: -1,
      occurredAt: at,
      ingestedAt: at,
      source: { system: 'PDV', instance: 'S001', ref: { document: `R${seq}`, line: null, entity: 'test' }, position: null, raw: null },
      actor: 'it',
      reason: null,
      correlationId: null,
    } satisfies StockMovement;
  });
}

describe('two ERP write-backs in one group', () => {
  const kafka = testKafka('erp-writeback-ha');
  const admin = kafka.admin();
  const services = new Map<string, Service>();
  let erp: Client;
  let deadLetters: TopicWatcher;

  const start = async (name: 'a' | 'b'): Promise<Service> => {
    const service = await startService(`erp-writeback-ha-${name}`, 'hub/channels/erp-writeback/main.ts', PORTS[name], env(PORTS[name]));
    services.set(name, service);
    return service;
  };
  const rows = async (): Promise<{ total: number; distinct: number }> => {
    const { rows: [row] } = await erp.query<{ total: string; distinct: string }>(`SELECT count(*) AS total, count(DISTINCT "HUBEVT") AS distinct FROM "ERPADM"."HUBIMP" WHERE "HUBEVT" LIKE $1`, [`it-wbha-${run}-%`]);
    return { total: Number(row!.total), distinct: Number(row!.distinct) };
  };
  const members = async (): Promise<number[][]> => {
    const { groups } = await admin.describeGroups([group]);
    return (groups[0]?.members ?? []).map((m) => [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])]);
  };
  const ours = () => deadLetters.all().filter((r) => String(r.message.headers?.['dlq.source.topic'] ?? '') === topic);

  beforeAll(async () => {
    await admin.connect();
    await ensureTopics(admin, [{ name: topic, partitions: 6, description: 'test' }]);
    deadLetters = new TopicWatcher('erp-writeback-ha', [TOPICS.erpWritebackDlq]);
    await deadLetters.start();
    erp = new Client({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD });
    await erp.connect();
  });

  afterAll(async () => {
    for (const service of services.values()) await service.stop();
    await deadLetters.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await erp.end();
  });

  it('writes every movement once across a kill, and not again when the topic is delivered a second time', async () => {
    const producer = await connectProducer(kafka);
    const victim = await start('a');
    await start('b');
    await eventually('both write-backs to hold partitions', async () => ((await members()).filter((p) => p.length === 3).length === 2 ? true : undefined), 30_000);

    // 10,000 movements over about 2 s, so that the kill falls in the middle of the stream.
    const sending = (async () => {
      for (let i = 0; i < 20; i++) {
        const events = sales(500);
        await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: e.sku, value: JSON.stringify(e) })) });
        await sleep(100);
      }
    })();
    for (let i = 0; i < 600 && (await rows()).total < 2_000; i++) await sleep(50);
    await victim.kill();
    services.delete('a');
    const killedAt = Date.now();
    const atKill = (await rows()).total;
    await sending;
    await producer.disconnect();
    expect(atKill).toBeLessThan(seq);
    await eventually('every movement in HUBIMP', async () => ((await rows()).total >= seq ? true : undefined), 60_000);
    process.stdout.write(`[erp-writeback-ha] killed at ${atKill} of ${seq} rows; all written ${Date.now() - killedAt} ms after the kill\n`);
    await sleep(1_000);
    expect(await rows()).toEqual({ total: seq, distinct: seq });

    // Everything again, from the start: each row is already there.
    await services.get('b')!.stop();
    services.delete('b');
    await admin.resetOffsets({ groupId: group, topic, earliest: true });
    const again = await start('b');
    const ends = await admin.fetchTopicOffsets(topic);
    await eventually('the whole topic read again', async () => {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return ends.every((end) => committed!.partitions.find((p) => p.partition === end.partition)?.offset === end.high) ? true : undefined;
    }, 60_000);
    const metrics = await (await fetch(`${again.url}/metrics`)).text();
    expect(Number(/^stockhub_erp_writeback_rows_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1])).toBe(0);
    expect(await rows()).toEqual({ total: seq, distinct: seq });
    expect(ours()).toEqual([]);
  }, 180_000);
});
