import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP link the test can cut: forwards 127.0.0.1:<port> to a target port until `cut()`, which
 * drops every open connection and refuses new ones, like a store's WAN going down; `restore()`
 * brings it back.
 */
export class CuttableLink {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private up = true;

  constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.up) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((r) => this.server?.close(r));
  }
}
