import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A Redis server of the test's own (the real redis-server binary, no persistence) on its own
 * port, so that a test can stop and restart it without touching the stack's.
 */
export class OwnRedis {
  private process: ChildProcess | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      try {
        const socket = await import('node:net').then((net) => net.createConnection(this.port, '127.0.0.1'));
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        socket.destroy();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`redis-server did not listen on ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}
