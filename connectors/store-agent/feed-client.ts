import type { Logger } from '../../core/logging';
import type { FeedUpdate, LocalDb } from './local-db';

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
      const updates: FeedUpdate[] = [];
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const update = parse(buffer.slice(0, end));
        if (update !== null) updates.push(update);
        buffer = buffer.slice(end + 2);
      }
      if (updates.length > 0) this.db.applyFeed(updates);
    }
  }
}

function parse(block: string): FeedUpdate | null {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (data === '') return null;
  const payload = JSON.parse(data) as Record<string, unknown>;
  if (event === 'level') return { kind: 'level', level: payload as unknown as Extract<FeedUpdate, { kind: 'level' }>['level'] };
  if (event === 'network') return { kind: 'network', sku: String(payload.sku), available: Number(payload.available) };
  if (event === 'cursor') return { kind: 'cursor', cursor: String(payload.cursor) };
  return null;
}
