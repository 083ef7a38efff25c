/** Applies the hub's database migrations (run by scripts/stack up). */
import { loadConfig } from '../core/config';
import { hubDbConfigSchema } from '../hub/config';
import { migrate } from '../hub/db/migrate';

const config = loadConfig(hubDbConfigSchema);
migrate(config.HUB_PG_URL, (line) => process.stderr.write(`[stack] hub db: ${line}\n`)).then(
  (applied) => process.stderr.write(`[stack] hub db: ${applied.length} migration(s) applied, schema current\n`),
  (error: unknown) => {
    process.stderr.write(`[stack] ERROR: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
