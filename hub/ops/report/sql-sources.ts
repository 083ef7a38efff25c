import mysql from 'mysql2/promise';
import { Pool } from 'pg';
import { DependencyError } from '../../../core/errors';

/** How one database spells quoted identifiers and positional parameters (1-based). */
export interface SqlDialect {
  quote(identifier: string): string;
  param(index: number): string;
}

/**
 * A read-only SQL connection behind one interface, so the same balance query runs on the ERP
 * stand-in (PostgreSQL), the production ERP (Oracle) and the WMS (MariaDB/MySQL).
 */
export interface SqlSource {
  readonly name: string;
  readonly dialect: SqlDialect;
  rows(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

const doubleQuoted = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
export const POSTGRES: SqlDialect = { quote: doubleQuoted, param: (i) => `$${i}` };
export const ORACLE: SqlDialect = { quote: doubleQuoted, param: (i) => `:${i}` };
export const MYSQL: SqlDialect = { quote: (identifier) => `\`${identifier.replace(/`/g, '``')}\``, param: () => '?' };

export interface SqlConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

function unreachable(name: string, error: unknown): DependencyError {
  return new DependencyError(`${name}: ${error instanceof Error ? error.message : String(error)}`, name, { cause: error });
}

export function postgresSource(name: string, connection: SqlConnection): SqlSource {
  // The legacy databases are only ever read: the session refuses writes, whatever the SQL.
  const pool = new Pool({ ...connection, max: 2, options: '-c default_transaction_read_only=on', connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  return {
    name,
    dialect: POSTGRES,
    async rows(sql, params) {
      try {
        return (await pool.query<unknown[]>({ text: sql, values: [...params], rowMode: 'array' })).rows;
      } catch (error) {
        throw unreachable(name, error);
      }
    },
    close: () => pool.end(),
  };
}

export function mysqlSource(name: string, connection: SqlConnection): SqlSource {
  const pool = mysql.createPool({ ...connection, connectionLimit: 2, connectTimeout: 10_000 });
  pool.on('connection', (conn) => conn.query('SET SESSION TRANSACTION READ ONLY'));
  return {
    name,
    dialect: MYSQL,
    async rows(sql, params) {
      try {
        const [rows] = await pool.query({ sql, values: [...params], rowsAsArray: true });
        return rows as unknown[][];
      } catch (error) {
        throw unreachable(name, error);
      }
    },
    close: () => pool.end(),
  };
}

export interface OracleConnection {
  connectString: string;
  user: string;
  password: string;
}

/** The few parts of oracledb 6 (thin mode, pure JS) the report uses; the package ships no types. */
interface OracleDb {
  OUT_FORMAT_ARRAY: number;
  getConnection(options: { user: string; password: string; connectString: string }): Promise<OracleDbConnection>;
}
interface OracleDbConnection {
  execute(sql: string, binds: unknown[], options: { outFormat: number }): Promise<{ rows?: unknown[][] }>;
  close(): Promise<void>;
}

/**
 * The production ERP on Oracle, in oracledb's thin mode (no Instant Client needed). Required only
 * when chosen, so the stand-in path never loads the driver. Not runnable on the local stack,
 * which has no Oracle: it is type-checked, not exercised.
 */
export function oracleSource(name: string, connection: OracleConnection): SqlSource {
  const oracledb = require('oracledb') as OracleDb;
  let opened: Promise<OracleDbConnection> | null = null;
  return {
    name,
    dialect: ORACLE,
    async rows(sql, params) {
      try {
        opened ??= oracledb.getConnection(connection);
        const result = await (await opened).execute(sql, [...params], { outFormat: oracledb.OUT_FORMAT_ARRAY });
        return result.rows ?? [];
      } catch (error) {
        throw unreachable(name, error);
      }
    },
    close: async () => {
      await opened?.then((conn) => conn.close()).catch(() => undefined);
    },
  };
}
