/**
 * A TCP proxy on loopback that can be cut like a dead network link: while cut it neither reads
 * nor forwards in either direction and leaves new connections hanging without an answer. Both
 * peers see silence, not a refused or reset connection, as with dropped packets (TCP would keep
 * retransmitting); when the link is restored what was queued flows on. A peer that closed its
 * side during the cut is closed on the other side only once the link is back, as the FIN would
 * only arrive then.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket | null;
}

export class CuttableProxy {
  private readonly pairs = new Set<Pair>();
  private readonly held: Socket[] = [];
  private server: Server | null = null;
  private cutSince: number | null = null;
  connections = 0;

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  get isCut(): boolean {
    return this.cutSince !== null;
  }

  async listen(): Promise<void> {
    const server = createServer({ pauseOnConnect: true }, (client) => this.accept(client));
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => done());
    });
    this.server = server;
  }

  cut(): void {
    if (this.cutSince !== null) return;
    this.cutSince = Date.now();
    for (const pair of this.pairs) {
      pair.client.pause();
      pair.upstream?.pause();
    }
  }

  restore(): void {
    if (this.cutSince === null) return;
    this.cutSince = null;
    for (const pair of this.pairs) {
      pair.client.resume();
      pair.upstream?.resume();
    }
    for (const client of this.held.splice(0)) this.connect(client);
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    for (const client of this.held.splice(0)) client.destroy();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  private accept(client: Socket): void {
    this.connections++;
    client.on('error', () => undefined);
    if (this.isCut) this.held.push(client);
    else this.connect(client);
  }

  private connect(client: Socket): void {
    const pair: Pair = { client, upstream: null };
    this.pairs.add(pair);
    const upstream = createConnection({ host: this.target.host, port: this.target.port });
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    // Written by hand rather than with pipe(): a write while cut must wait, which pause() alone
    // gives for reads only; 'end' is passed on only once the link is up.
    const forward = (from: Socket, to: Socket): void => {
      from.on('data', (chunk: Buffer) => {
        if (!to.write(chunk)) from.pause();
      });
      to.on('drain', () => {
        if (!this.isCut) from.resume();
      });
      from.on('end', () => this.whenUp(() => to.end()));
      from.on('close', () => this.whenUp(() => to.destroy()));
    };
    forward(client, upstream);
    forward(upstream, client);
    const forget = (): void => void this.pairs.delete(pair);
    client.on('close', forget);
    upstream.on('connect', () => {
      if (!this.isCut) client.resume();
    });
  }

  private whenUp(action: () => void): void {
    if (!this.isCut) {
      action();
      return;
    }
    const poll = setInterval(() => {
      if (this.isCut) return;
      clearInterval(poll);
      action();
    }, 100);
  }
}
