# Topic replication on a cluster of more than one node, through kafkajs (the broker jars carry
# no kafka-topics tool). core/kafka's ensureTopics creates every topic with replication factor 1,
# so with N > 1 the stack creates the catalog's topics (core/topics) itself first, with
# min(3, N) copies and min.insync.replicas; scripts/create-topics.ts then finds them present and
# only checks their partitions. `scripts/stack topics` describes every topic of the cluster.

# One program (tsx starts in seconds on a busy machine, so once per `up`), commands in TOPICS_CMD:
# create (the catalog's topics, replicated), wait-isr (until a restarted node is in sync), describe.
read -r -d '' TOPICS_TS <<'TS' || true
import { ConfigResourceTypes, type ITopicMetadata } from 'kafkajs';
import pino from 'pino';
import { createKafka } from './core/kafka';
import { TOPIC_SPECS } from './core/topics';

const env = process.env;
const rf = Number(env.KAFKA_REPLICATION_FACTOR);
const minIsr = env.KAFKA_MIN_INSYNC_REPLICAS!;
// kafkajs' own error lines would only repeat what this program reports.
const logger = pino({ level: 'silent' });
const kafka = createKafka({ clientId: 'stockhub-stack', brokers: env.KAFKA_BROKERS!.split(','), logger });
const admin = kafka.admin();
const say = (line: string): boolean => process.stderr.write(`[stack] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Without waiting for leaders here: right after the nodes start, a new topic's metadata lags on
 * some of them (kafkajs fails on that), and wait-isr, which runs next, polls until every
 * partition has its leader and all its replicas in sync.
 */
async function create(): Promise<void> {
  const present = new Set(await admin.listTopics());
  const missing = TOPIC_SPECS.filter((spec) => !present.has(spec.name));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: false,
    topics: missing.map((spec) => ({
      topic: spec.name,
      numPartitions: spec.partitions,
      replicationFactor: rf,
      configEntries: Object.entries({ ...spec.config, 'min.insync.replicas': minIsr }).map(([name, value]) => ({ name, value })),
    })),
  });
  say(`topics: ${missing.length} created with replication factor ${rf}, min.insync.replicas ${minIsr}`);
}

async function metadata(): Promise<ITopicMetadata[]> {
  const topics = await admin.listTopics();
  return (await admin.fetchTopicMetadata({ topics })).topics.sort((a, b) => a.name.localeCompare(b.name));
}

/** Partitions whose in-sync replicas are fewer than their replicas (or that have no leader). */
const lagging = (topic: ITopicMetadata) => topic.partitions.filter((p) => p.leader < 0 || p.isr.length < p.replicas.length);

async function describe(): Promise<void> {
  const topics = await metadata();
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name, configNames: ['min.insync.replicas'] })),
  });
  const minIsrOf = new Map(configs.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue ?? '?']));
  console.log('topic                              parts  RF  ISR(min..max)  min.insync  under-replicated  leaders');
  for (const t of topics) {
    const rfs = new Set(t.partitions.map((p) => p.replicas.length));
    const isrs = t.partitions.map((p) => p.isr.length);
    const leaders = [...new Set(t.partitions.map((p) => p.leader))].sort().join(',');
    const flag = Math.min(...rfs) < rf ? `  (below replication factor ${rf})` : '';
    console.log(`${t.name.padEnd(34)} ${String(t.partitions.length).padStart(5)}  ${[...rfs].join('/').padStart(2)}  ${`${Math.min(...isrs)}..${Math.max(...isrs)}`.padStart(13)}  ${minIsrOf.get(t.name)!.padStart(10)}  ${String(lagging(t).length).padStart(16)}  ${leaders}${flag}`);
  }
}

/** Until every partition has all its replicas in sync again (a restarted node caught up). */
async function waitIsr(seconds: number): Promise<void> {
  const started = Date.now();
  for (let i = 0; ; i++) {
    const topics = await metadata().catch(() => null);
    // A catalog topic not listed yet (just created) counts as not ready, like one without metadata.
    const listed = new Set(topics?.map((t) => t.name));
    const complete = topics !== null && TOPIC_SPECS.every((spec) => listed.has(spec.name));
    const behind = complete ? topics.reduce((n, t) => n + lagging(t).length, 0) : -1;
    if (behind === 0) {
      const below = topics!.filter((t) => t.partitions.some((p) => p.replicas.length < rf)).map((t) => t.name);
      if (below.length > 0) say(`WARNING: topics with fewer than ${rf} replicas (created outside the stack?): ${below.join(', ')}`);
      say(`kafka: every partition in sync (${topics!.length} topics) after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    if ((Date.now() - started) / 1000 > seconds) {
      say(`WARNING: ${behind < 0 ? 'no metadata' : `${behind} partition(s) still under-replicated`} after ${seconds} s; see scripts/stack topics`);
      return;
    }
    if (i % 10 === 0) say(`kafka: waiting for ${behind < 0 ? 'metadata' : `${behind} under-replicated partition(s)`} to catch up`);
    await sleep(1000);
  }
}

async function main(): Promise<void> {
  await admin.connect();
  try {
    for (const command of env.TOPICS_CMD!.split(' ')) {
      if (command === 'create') await create();
      else if (command === 'describe') await describe();
      else if (command === 'wait-isr') await waitIsr(Number(env.TOPICS_WAIT_SECONDS ?? 120));
      else throw new Error(`unknown command ${command}`);
    }
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  say(`ERROR: topics ${env.TOPICS_CMD}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
TS

topics_run() { # topics_run "COMMAND..."
  (cd "$ROOT" && TOPICS_CMD=$1 node_modules/.bin/tsx --eval "$TOPICS_TS")
}

# The replicated topics come first, then `up` waits until a node that was restarted (kill -9,
# then `up`) has copied what it missed. On one node this does nothing: create-topics.ts as ever.
topics_create() {
  if [ "$KAFKA_REPLICATION_FACTOR" -gt 1 ]; then
    topics_run "create wait-isr" || die "creating the replicated topics failed"
  fi
  (cd "$ROOT" && node_modules/.bin/tsx scripts/create-topics.ts)
}
