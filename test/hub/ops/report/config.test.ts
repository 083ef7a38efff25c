import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../../core/errors';
import { agentsFileSchema, AGENTS_FILE, loadAgents, loadBalanceTable } from '../../../../hub/ops/report/config';

const write = (name: string, content: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'report-config-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

describe('config/store-agents.json', () => {
  it('lists the dev agents of S001..S003', () => {
    expect(loadAgents(AGENTS_FILE)).toEqual({ S001: 'http://127.0.0.1:8101', S002: 'http://127.0.0.1:8102', S003: 'http://127.0.0.1:8103' });
  });

  it.each([
    [{ agents: { DC01: 'http://x' } }, 'agents.DC01'],
    [{ agents: { S001: 'not a url' } }, 'agents.S001'],
    [{ agents: {}, extra: 1 }, ''],
  ])('refuses %j', (file, path) => {
    const parsed = agentsFileSchema.safeParse(file);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path.join('.')).toBe(path);
  });

  it('names the file and the key when the file is wrong, and the variable when it cannot be read', () => {
    expect(() => loadAgents(write('agents.json', '{"agents":{"S1":"http://x"}}'))).toThrow(/agents\.json: agents\.S1: a store id is S followed by three digits/);
    expect(() => loadAgents('/nonexistent/agents.json')).toThrow(ConfigError);
  });
});

describe('loadBalanceTable', () => {
  it('needs a balance table in the system’s mapping', () => {
    const dir = write('erp.json', JSON.stringify({ system: 'ERP', tables: [{ mode: 'journal' }] })).replace(/\/erp\.json$/, '');
    expect(() => loadBalanceTable('ERP', dir)).toThrow(/no balance table to compare ERP stock with/);
    expect(() => loadBalanceTable('WMS', dir)).toThrow(/no mapping for system WMS/);
  });
});
