/** Writes docs/events/stock.movement.v1.schema.json from the zod schema (run after changing core/model). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { movementJsonSchema } from '../core/model';

export const EVENT_SCHEMA_FILE = resolve(__dirname, '../docs/events/stock.movement.v1.schema.json');

writeFileSync(EVENT_SCHEMA_FILE, `${JSON.stringify(movementJsonSchema(), null, 2)}\n`);
process.stderr.write(`wrote ${EVENT_SCHEMA_FILE}\n`);
