import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DependencyError } from '../../core/errors';

export const MIGRATIONS_DIR = resolve(__dirname, 'migrations');

const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Runs `work` on the server's `postgres` database, with the name of the database `url` points at. */
async function onServer<T>(url: string, work: (server: Client, database: string) => Promise<T>): Promise<T> {
  const target = new URL(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const server = new Client({ connectionString: admin.toString() });
  try {
    await server.connect();
  } catch (cause) {
    throw new DependencyError(`the hub's PostgreSQL at ${target.host} is not reachable (start PostgreSQL, or set HUB_PG_URL)`, 'postgresql', { cause, retriable: false });
  }
  try {
    return await work(server, decodeURIComponent(target.pathname.slice(1)));
  } finally {
    await server.end();
  }
}

/** Drops the database `url` points at, closing its connections; returns its name. */
export async function dropDatabase(url: string): Promise<string> {
  return onServer(url, async (server, database) => {
    await server.query(`DROP DATABASE IF EXISTS ${quoted(database)} WITH (FORCE)`);
    return database;
  });
}

/**
 * Creates the hub's database if it is missing and applies the migrations not yet applied, each in
 * its own transaction, in file-name order. Returns the names it applied.
 */
export async function migrate(url: string, log: (line: string) => void = () => undefined): Promise<string[]> {
  await onServer(url, async (server, database) => {
    const exists = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await server.query(`CREATE DATABASE ${quoted(database)}`);
      log(`created database ${database}`);
    }
  });

  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    // One migrator at a time (two services starting together).
    await db.query('SELECT pg_advisory_lock(4711)');
    const done = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const name of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort()) {
      if (done.has(name)) continue;
      await db.query('BEGIN');
      try {
        await db.query(readFileSync(join(MIGRATIONS_DIR, name), 'utf8'));
        await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw new Error(`migration ${name} failed: ${String(error)}`, { cause: error });
      }
      applied.push(name);
      log(`applied ${name}`);
    }
    await db.query('SELECT pg_advisory_unlock(4711)');
    return applied;
  } finally {
    await db.end();
  }
}
