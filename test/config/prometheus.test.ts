/**
 * config/prometheus/: the scrape configuration and the alert rules are what Prometheus accepts
 * (promtool, Debian's prometheus package, installed by scripts/install), and each alert fires on
 * the series that should raise it and not beside those that should not (alerts.test.yml).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const DIR = resolve(__dirname, '../../config/prometheus');
const promtool = (...args: string[]): { status: number | null; output: string } => {
  const run = spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};

describe('Prometheus configuration', () => {
  it('is a valid scrape configuration with its rule file', () => {
    const check = promtool('check', 'config', 'prometheus.yml');
    expect(check.output).toContain('SUCCESS: 7 rules found');
    expect(check.status).toBe(0);
  });

  it('raises each alert exactly where alerts.test.yml says', () => {
    const test = promtool('test', 'rules', 'alerts.test.yml');
    expect(test.output).toContain('SUCCESS');
    expect(test.status).toBe(0);
  });
});
