import type { Clock } from './clock';

export interface ProgressOut {
  write(text: string): unknown;
  columns?: number;
}

/**
 * Progress on stderr, never on stdout (which carries the report): a bar redrawn in place on a
 * terminal (or with --progress), else a plain line every `intervalMs` so that logs stay readable.
 * Messages printed meanwhile clear the bar first.
 */
export class Progress {
  private total = 0;
  private done = 0;
  private drift = 0;
  private startedAt = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly out: ProgressOut,
    private readonly mode: 'bar' | 'lines',
    private readonly clock: Clock,
    private readonly intervalMs = 10_000,
  ) {}

  start(total: number): void {
    this.total = total;
    this.startedAt = this.clock.now();
    this.lastDraw = this.startedAt;
  }

  update(done: number, drift: number): void {
    this.done = done;
    this.drift = drift;
    const now = this.clock.now();
    if (this.mode === 'bar' && now - this.lastDraw >= 100) this.draw(now);
    if (this.mode === 'lines' && now - this.lastDraw >= this.intervalMs) {
      this.out.write(`progress: ${this.status(now)}\n`);
      this.lastDraw = now;
    }
  }

  message(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
    if (this.mode === 'bar' && this.total > 0) this.draw(this.clock.now());
  }

  finish(): void {
    this.clear();
  }

  private draw(now: number): void {
    const width = 24;
    const filled = this.total === 0 ? width : Math.floor((this.done / this.total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.status(now)}`;
    // A pseudo-terminal may report 0 columns.
    this.out.write(`\r${line.slice(0, (this.out.columns || 120) - 1)}\x1b[K`);
    this.drawn = true;
    this.lastDraw = now;
  }

  private clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  /** "1200/50000 SKUs (2.4%), 3 drift, ETA 1h02m" */
  status(now: number): string {
    const percent = this.total === 0 ? 100 : (this.done / this.total) * 100;
    const elapsed = now - this.startedAt;
    const eta = this.done === 0 ? '?' : duration((elapsed / this.done) * (this.total - this.done));
    return `${this.done}/${this.total} SKUs (${percent.toFixed(1)}%), ${this.drift} drift, ETA ${eta}`;
  }
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
