/**
 * A store feed reader (Server-Sent Events over fetch) that stamps each `level` event with the
 * time it arrived, for latency measurement. Other events (network, cursor) are counted, not parsed.
 */
export interface FeedLevel {
  sku: string;
  locationId: string;
  available: number;
  receivedAt: number;
}

export class TimedFeed {
  status = 0;
  otherEvents = 0;
  private readonly controller = new AbortController();

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly onLevel: (level: FeedLevel) => void,
  ) {}

  async open(): Promise<void> {
    const response = await fetch(this.url, { headers: { authorization: `Bearer ${this.token}` }, signal: this.controller.signal });
    this.status = response.status;
    if (!response.ok || response.body === null) throw new Error(`feed ${this.url}: ${response.status}`);
    void this.read(response.body.getReader());
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const receivedAt = Date.now();
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith('event: level\n')) {
            this.otherEvents++;
            continue;
          }
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data === undefined) continue;
          const level = JSON.parse(data.slice(6)) as { sku: string; locationId: string; available: number };
          this.onLevel({ sku: level.sku, locationId: level.locationId, available: level.available, receivedAt });
        }
      }
    } catch {
      // closed
    }
  }

  close(): void {
    this.controller.abort();
  }
}
