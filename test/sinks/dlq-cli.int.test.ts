/**
 * stockhub-dlq on the live stack: an unmappable ERP row lands in the DLQ, the CLI lists it with
 * its reason, refuses to replay it while the mapping is unchanged, and replays it into a
 * canonical movement once the mapping is fixed.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { StockMovement } from '../../core/model';
import { TOPICS } from '../../core/topics';
import { MAPPINGS_DIR } from '../../sinks/debezium';
import { stack, TopicWatcher } from '../support/kafka';
import { startSinks, type Service } from '../support/services';

const run = randomUUID().slice(0, 8);
const CLI = resolve(__dirname, '../../bin/stockhub-dlq');

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string }> {
  return promisify(execFile)(CLI, args, { env: { ...process.env, ...env } }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

describe('stockhub-dlq', () => {
  let sink: Service;
  let watcher: TopicWatcher;
  let erp: Client;

  beforeAll(async () => {
    watcher = new TopicWatcher('dlq-cli', [TOPICS.movements, TOPICS.movementsDlq]);
    await watcher.start();
    sink = await startSinks('dlq', 18092, run);
    erp = new Client({ host: stack.ERP_PG_HOST, port: stack.ERP_PG_PORT, database: stack.ERP_PG_DATABASE, user: stack.ERP_PG_USER, password: stack.ERP_PG_PASSWORD });
    await erp.connect();
  });

  afterAll(async () => {
    await sink?.stop();
    await watcher.stop();
    await erp.end();
  });

  it('lists a dead letter, and replays it once the mapping is fixed', async () => {
    const doc = `XFR-${run}`;
    await erp.query(
      `INSERT INTO "ERPADM"."STKJRNL" ("ITMCD", "BRNCD", "MVTTYP", "QTY", "DOCNO", "USRID") VALUES ('10000777', 'S009', 'XFR', -4, $1, 'OPS')`,
      [doc],
    );
    const dead = await watcher.waitFor((r) => r.topic === TOPICS.movementsDlq && String(r.message.value).includes(doc), 10_000, 'dead letter');

    const listed = await cli(['list', '--json']);
    expect(listed.code).toBe(0);
    const entry = (JSON.parse(listed.stdout) as Array<{ offset: string; letter: { reason: string; value: string } }>).find((e) => e.offset === dead.message.offset);
    expect(entry?.letter.reason).toBe("MVTTYP 'XFR' has no mapping in typeCodes");
    expect(entry?.letter.value).toContain(doc);

    const unchanged = await cli(['replay', dead.message.offset]);
    expect(unchanged.code).toBe(1);
    expect(unchanged.stdout).toContain("still fails: MVTTYP 'XFR' has no mapping");

    const fixed = mkdtempSync(join(tmpdir(), 'mappings-'));
    cpSync(MAPPINGS_DIR, fixed, { recursive: true });
    const erpMapping = JSON.parse(readFileSync(join(fixed, 'erp.json'), 'utf8')) as { tables: Array<{ typeCodes?: Record<string, string> }> };
    erpMapping.tables[0]!.typeCodes!.XFR = 'TRANSFER_OUT';
    writeFileSync(join(fixed, 'erp.json'), JSON.stringify(erpMapping));
    const replayed = await cli(['replay', dead.message.offset], { MAPPINGS_DIR: fixed });
    expect(replayed.stdout).toContain('replayed 1 of 1');
    expect(replayed.code).toBe(0);

    const moved = await watcher.waitFor((r) => r.topic === TOPICS.movements && (r.value as StockMovement).source.ref.document === doc, 10_000, 'replayed movement');
    expect(moved.value).toMatchObject({ type: 'TRANSFER_OUT', sku: '10000777', locationId: 'S009', quantity: -4, source: { raw: { topic: TOPICS.erpStockJournal } } });
  });
});
