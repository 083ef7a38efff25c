import { duration, Progress } from '../../../../hub/ops/report/progress';
import { fakeClock } from './helpers';

describe('Progress', () => {
  it('on a terminal, redraws one bar in place and clears it before a message and at the end', () => {
    const out: string[] = [];
    const clock = fakeClock();
    const progress = new Progress({ write: (t) => out.push(t), columns: 200 }, 'bar', clock);
    progress.start(100);
    void clock.sleep(10_000);
    progress.update(25, 2);
    progress.message('agents: store agent S003 down');
    progress.finish();
    expect(out).toEqual([
      '\r[######..................] 25/100 SKUs (25.0%), 2 drift, ETA 30s\x1b[K',
      '\r\x1b[K',
      'agents: store agent S003 down\n',
      '\r[######..................] 25/100 SKUs (25.0%), 2 drift, ETA 30s\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('elsewhere, writes a plain line at most every interval and nothing to clear', () => {
    const out: string[] = [];
    const clock = fakeClock();
    const progress = new Progress({ write: (t) => out.push(t) }, 'lines', clock, 10_000);
    progress.start(10);
    progress.update(1, 0);
    void clock.sleep(10_000);
    progress.update(2, 0);
    progress.finish();
    expect(out).toEqual(['progress: 2/10 SKUs (20.0%), 0 drift, ETA 40s\n']);
  });

  it('says durations the way people read them', () => {
    expect([duration(4_400), duration(95_000), duration(4 * 3600_000 + 7 * 60_000)]).toEqual(['4s', '1m35s', '4h07m']);
  });
});
