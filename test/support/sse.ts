export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/**
 * A minimal Server-Sent Events client over fetch, for tests: collects events, remembers the last
 * id (what EventSource would send back as Last-Event-ID), and can wait for an event.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  lastEventId: string | null = null;
  status = 0;
  private readonly controller = new AbortController();

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  async open(): Promise<void> {
    const response = await fetch(this.url, { headers: this.headers, signal: this.controller.signal });
    this.status = response.status;
    if (!response.ok || response.body === null) return;
    void this.read(response.body.getReader());
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: '', id: null };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) event.data += line.slice(6);
            else if (line.startsWith('id: ')) event.id = line.slice(4);
          }
          if (event.id !== null) this.lastEventId = event.id;
          if (event.data !== '') this.events.push(event);
        }
      }
    } catch {
      // aborted
    }
  }

  async waitFor(match: (e: SseEvent) => boolean, timeoutMs: number, what: string): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.controller.abort();
  }
}
