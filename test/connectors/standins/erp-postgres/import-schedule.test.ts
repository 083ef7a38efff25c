import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { ImportSchedule } from '../../../../connectors/standins/erp-postgres/import-schedule';

const INTERVAL_MS = 30_000;

function job(importOnce: () => Promise<number>) {
  const registry = new Registry();
  const posted = new Counter({ name: 'posted', help: 'posted', registers: [registry] });
  const runs = new Counter({ name: 'runs', help: 'runs', labelNames: ['outcome'] as const, registers: [registry] });
  const lines: Array<{ level: number; msg: string; posted?: number }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const schedule = new ImportSchedule({ importOnce, intervalMs: INTERVAL_MS, logger, posted, runs });
  const value = async (counter: Counter, labels?: Record<string, string>) => (await counter.get()).values.find((v) => labels === undefined || v.labels.outcome === labels.outcome)?.value ?? 0;
  return { schedule, lines, posted: () => value(posted), runs: (outcome: string) => value(runs, { outcome }) };
}

describe('the ERP stand-in’s import job', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at start, then every interval after a run ends, counting and logging what it posted', async () => {
    const answers = [3, 0, 2];
    const importOnce = jest.fn(async () => answers.shift() ?? 0);
    const { schedule, lines, posted, runs } = job(importOnce);
    schedule.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(importOnce).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(importOnce).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1 + INTERVAL_MS);
    expect(importOnce).toHaveBeenCalledTimes(3);
    await schedule.stop();
    expect(await posted()).toBe(5);
    expect(await runs('ok')).toBe(3);
    expect(lines.filter((l) => l.level === 30).map((l) => l.posted)).toEqual([3, 2]);
  });

  it('never overlaps a run still going, and goes on after a failed run', async () => {
    let finish: (posted: number) => void = () => undefined;
    const importOnce = jest
      .fn<Promise<number>, []>()
      .mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)))
      .mockRejectedValueOnce(new Error('the database system is shutting down'))
      .mockResolvedValue(1);
    const { schedule, lines, runs } = job(importOnce);
    schedule.start();
    await jest.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    expect(importOnce).toHaveBeenCalledTimes(1);
    finish(4);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(importOnce).toHaveBeenCalledTimes(2);
    expect(lines.find((l) => l.level === 40)?.msg).toMatch(/import job failed/);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(importOnce).toHaveBeenCalledTimes(3);
    expect(await runs('failed')).toBe(1);
    await schedule.stop();
    await jest.advanceTimersByTimeAsync(10 * INTERVAL_MS);
    expect(importOnce).toHaveBeenCalledTimes(3);
  });
});
