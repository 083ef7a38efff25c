import type { Counter } from 'prom-client';
import type { Logger } from '../../../core/logging';

export interface ImportScheduleDeps {
  /** One run of the ERP's import; resolves to the rows it posted. */
  importOnce(): Promise<number>;
  /** From the end of one run to the start of the next, in ms. */
  intervalMs: number;
  logger: Logger;
  posted: Counter;
  runs: Counter<'outcome'>;
}

/**
 * The ERP's import job as the ERP's scheduler runs it: once at start, then again `intervalMs`
 * after each run ends, so two runs never overlap. A failed run (the database restarting) is
 * logged and the next one goes ahead on time, as a scheduled job does.
 */
export class ImportSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deps: ImportScheduleDeps) {}

  start(): void {
    this.running = this.runOnce();
  }

  /** Waits for a run under way; none starts after. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.running;
  }

  private async runOnce(): Promise<void> {
    const started = Date.now();
    try {
      const posted = await this.deps.importOnce();
      this.deps.posted.inc(posted);
      this.deps.runs.inc({ outcome: 'ok' });
      const line = { posted, durationMs: Date.now() - started };
      if (posted > 0) this.deps.logger.info(line, 'import job posted interface rows to the journal');
      else this.deps.logger.debug(line, 'import job: nothing new');
    } catch (error) {
      this.deps.runs.inc({ outcome: 'failed' });
      this.deps.logger.warn({ err: error, nextInMs: this.deps.intervalMs }, 'import job failed; it runs again on schedule');
    }
    if (!this.stopped) this.timer = setTimeout(() => (this.running = this.runOnce()), this.deps.intervalMs);
  }
}
