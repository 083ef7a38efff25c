import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface ReconcileOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** bin/stockhub-reconcile as an operator runs it, with the environment given on top of the test's. */
export function reconcile(args: string[], env: Record<string, string> = {}): Promise<ReconcileOutcome> {
  return new Promise((done, fail) => {
    const child = spawn(resolve(ROOT, 'bin/stockhub-reconcile'), args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
