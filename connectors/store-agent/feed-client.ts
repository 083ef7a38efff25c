import type { Logger } from '../../core/logging';
import type { LocalDb } from './local-db';

/**
 * Follows the hub's store feed (Server-Sent Events) into the local copy, and reconnects after any
 * break with the last cursor it stored (Last-Event-ID), so nothing between is missed. The cursor
 * is stored only when its `cursor` event arrives, after the batch it closes has been applied.
 */
export class FeedClient {
  private controller: AbortController | null = null;
  private stopped = false;
  connected = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly db: LocalDb,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  private async loop(): Promise<void> {
    let backoff = 500;
    while (!this.stopped) {
      try {
        await this.follow();
        backoff = 500;
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn({ err: (error as Error).message, retryInMs: backoff }, 'hub feed unreachable; answering from the local copy');
      }
      this.connected = false;
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 10_000);
    }
  }

  private async follow(): Promise<void> {
    this.controller = new AbortController();
    const cursor = this.db.cursor();
    const response = await fetch(this.url, {
      headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', ...(cursor ? { 'last-event-id': cursor } : {}) },
      signal: this.controller.signal,
    });
    if (!response.ok || response.body === null) throw new Error(`feed answered ${response.status}`);
    this.connected = true;
    this.logger.info({ cursor }, 'hub feed connected');
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('feed closed by the hub');
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        this.handle(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private handle(block: string): void {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data === '') return;
    const payload = JSON.parse(data) as Record<string, unknown>;
    if (event === 'level') this.db.applyLevel(payload as unknown as Parameters<LocalDb['applyLevel']>[0]);
    else if (event === 'network') this.db.applyNetwork(String(payload.sku), Number(payload.available));
    else if (event === 'cursor') this.db.saveCursor(String(payload.cursor));
  }
}
