/**
 * stockhub-dlq: look at the dead-letter topics, and replay chosen entries after a fix.
 *
 *   stockhub-dlq list [--dlq <topic>] [--json]       every entry of every stage's DLQ (or one):
 *                                                    where it came from and why it failed
 *   stockhub-dlq replay [--dlq <topic>] <offset>... | --all [--reason <regex>]
 *
 * The sinks' DLQ (stock.movements.dlq, the default): replaying maps the original bytes again with
 * today's config and publishes what now maps; it reports what still fails. Another stage's DLQ
 * (stock.reconciler.dlq, stock.erp-writeback.dlq): replaying writes the original record back to
 * the topic it came from, so that the stage reads it again with today's code and config; what
 * still fails lands in its DLQ again. The Shopify channel's are listed, not replayed: stock.levels
 * is compacted, and an old record written back would replace the current level.
 *
 * Replaying is safe to repeat: a replayed record has the same event ids as the first time, and
 * the ledger and the ERP interface table take an event id once. Exit status: 0 all done, 1 some
 * entries still fail, 2 usage or connection error.
 */
import { parseArgs } from 'node:util';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { loadConfig, stackConfigSchema } from '../../core/config';
import { connectProducer, createKafka } from '../../core/kafka';
import { createRedis } from '../../core/redis';
import { createLogger } from '../../core/logging';
import { createMetrics } from '../../core/metrics';
import { DLQ_TOPICS, TOPICS } from '../../core/topics';
import { MovementPublisher } from '../runtime';
import { createSourceMappers } from '../source-mappers';
import { readDeadLetters, type DlqEntry } from './read-dlq';

const USAGE = 'usage: stockhub-dlq list [--dlq <topic>] [--json] | replay [--dlq <topic>] <dlq-offset>... | replay [--dlq <topic>] --all [--reason <regex>]';

function printTable(dlq: string, entries: DlqEntry[]): void {
  process.stdout.write(`${dlq}\n`);
  const rows = entries.map((e) => [
    e.offset,
    e.letter.at.slice(0, 19),
    e.letter.stage,
    e.letter.worker,
    `${e.letter.source.topic}/${e.letter.source.partition}@${e.letter.source.offset}`,
    e.letter.reason,
  ]);
  const header = ['dlq offset', 'at', 'stage', 'worker', 'source', 'reason'];
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i]!)).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  process.stdout.write(`${entries.length} dead letter(s)\n\n`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, all: { type: 'boolean', default: false }, reason: { type: 'string' }, dlq: { type: 'string' } },
  });
  if (values.dlq !== undefined && !(DLQ_TOPICS as readonly string[]).includes(values.dlq)) {
    process.stderr.write(`--dlq: not a dead-letter topic: ${values.dlq} (one of ${DLQ_TOPICS.join(', ')})\n`);
    return 2;
  }
  const [command, ...offsets] = positionals;
  if (command !== 'list' && command !== 'replay') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(stackConfigSchema);
  const logger = createLogger('stockhub-dlq', process.env.LOG_LEVEL ?? 'warn');
  const kafka = createKafka({ clientId: 'stockhub-dlq', brokers: config.KAFKA_BROKERS, logger });
  const progress = (read: number, total: number) => process.stderr.write(`\rreading dead letters: ${read}/${total}`);

  if (command === 'list') {
    const listed: Array<[string, DlqEntry[]]> = [];
    for (const dlq of values.dlq === undefined ? DLQ_TOPICS : [values.dlq]) listed.push([dlq, await readDeadLetters(kafka, progress, dlq)]);
    process.stderr.write('\n');
    if (values.json) {
      const out = listed.flatMap(([, entries]) => entries.map((e) => ({ ...e, letter: { ...e.letter, key: e.letter.key?.toString('utf8') ?? null, value: e.letter.value?.toString('utf8') ?? null } })));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else for (const [dlq, entries] of listed) printTable(dlq, entries);
    return 0;
  }

  const dlq = values.dlq ?? TOPICS.movementsDlq;
  const entries = await readDeadLetters(kafka, progress, dlq);
  process.stderr.write('\n');
  const reason = values.reason === undefined ? null : new RegExp(values.reason);
  const chosen = entries.filter((e) => (values.all ? true : offsets.includes(e.offset)) && (reason === null || reason.test(e.letter.reason)));
  if (chosen.length === 0) {
    process.stderr.write(values.all || offsets.length > 0 ? 'no dead letter matches\n' : `${USAGE}\n`);
    return values.all || offsets.length > 0 ? 0 : 2;
  }
  if (dlq === TOPICS.shopifyChannelDlq) {
    // stock.levels is compacted by key: an old record written back would become the level's newest.
    process.stderr.write(
      'the Shopify channel\'s dead letters are not replayed: stock.levels is compacted, and an old record written back would replace the current level. ' +
        'The reconciler republishes a level whenever it changes, and the channel pushes it; what Shopify shows differently is listed by bin/stockhub-reconcile --system shopify\n',
    );
    return 2;
  }
  if (dlq !== TOPICS.movementsDlq) return resend(kafka, chosen);
  const redis = createRedis(config.REDIS_URL, logger);
  const mappers = createSourceMappers(logger, redis);
  const producer = await connectProducer(kafka);
  const publisher = new MovementPublisher(producer, createMetrics('stockhub-dlq'));
  let stillFailing = 0;
  let published = 0;
  for (const { offset, letter } of chosen) {
    const map = mappers.byTopic.get(letter.source.topic);
    if (map === undefined) {
      process.stdout.write(`${offset}: no mapper for topic ${letter.source.topic}\n`);
      stillFailing++;
      continue;
    }
    const original: KafkaMessage = { key: letter.key, value: letter.value, headers: letter.headers, offset: letter.source.offset, timestamp: String(Date.parse(letter.at)), attributes: 0 };
    await map.prepare?.([original]);
    const result = map(letter.source.topic, letter.source.partition, original);
    if (result.deadLetter) {
      process.stdout.write(`${offset}: still fails: ${result.deadLetter.reason}\n`);
      stillFailing++;
      continue;
    }
    await publisher.publish(result.movements);
    published += result.movements.length;
    process.stdout.write(`${offset}: replayed, ${result.movements.length} movement(s): ${result.movements.map((m) => m.eventId).join(', ') || '(nothing to move)'}\n`);
  }
  await producer.disconnect();
  redis.disconnect();
  process.stdout.write(`replayed ${chosen.length - stillFailing} of ${chosen.length} dead letter(s), ${published} movement(s) published\n`);
  return stillFailing > 0 ? 1 : 0;
}

/** A hub stage's dead letters go back, byte for byte, to the topic they came from. */
async function resend(kafka: Kafka, chosen: readonly DlqEntry[]): Promise<number> {
  const producer = await connectProducer(kafka);
  for (const { offset, letter } of chosen) {
    await producer.send({ topic: letter.source.topic, acks: -1, messages: [{ key: letter.key, value: letter.value, headers: letter.headers }] });
    process.stdout.write(`${offset}: written back to ${letter.source.topic} for ${letter.worker} to read again\n`);
  }
  await producer.disconnect();
  process.stdout.write(`replayed ${chosen.length} dead letter(s); any that still fails is in ${chosen[0]?.dlq ?? 'its DLQ'} again\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`stockhub-dlq: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
