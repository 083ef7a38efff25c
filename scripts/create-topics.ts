/** Creates the project's topics (core/topics) on the stack's broker; run by scripts/stack up. */
import { loadConfig, stackConfigSchema } from '../core/config';
import { createKafka, ensureTopics } from '../core/kafka';
import { createLogger } from '../core/logging';
import { TOPIC_SPECS } from '../core/topics';

async function main(): Promise<void> {
  const config = loadConfig(stackConfigSchema);
  const logger = createLogger('create-topics');
  const admin = createKafka({ clientId: 'stockhub-create-topics', brokers: config.KAFKA_BROKERS, logger }).admin();
  await admin.connect();
  try {
    const { created, existing } = await ensureTopics(admin, TOPIC_SPECS);
    process.stderr.write(`[stack] topics: ${created.length} created, ${existing.length} already present\n`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[stack] ERROR: creating topics failed: ${String(error)}\n`);
  process.exit(1);
});
