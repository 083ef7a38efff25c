import { Pool } from 'pg';
import { loadConfig } from '../../core/config';
import { hubDbConfigSchema } from '../../hub/config';
import { migrate } from '../../hub/db';

export const hubDbUrl = loadConfig(hubDbConfigSchema).HUB_PG_URL;

/** The hub's database, migrated: integration tests read what the services wrote there. */
export async function hubPool(): Promise<Pool> {
  await migrate(hubDbUrl);
  return new Pool({ connectionString: hubDbUrl, max: 4 });
}
