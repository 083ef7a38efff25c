/**
 * Shopify's @idempotent(key:) on mutations: a key names one attempt. Repeating it with the same
 * input within the TTL returns the first answer without applying anything again; with another
 * input it is refused; while the first attempt still runs, the repeat is refused as concurrent.
 */

export type Claim<R> =
  | { kind: 'new'; finish: (response: R) => void; abandon: () => void }
  | { kind: 'replay'; response: R }
  | { kind: 'mismatch' }
  | { kind: 'concurrent' };

interface Entry<R> {
  fingerprint: string;
  at: number;
  done: boolean;
  response?: R;
}

/** JSON with object keys sorted, so that key order in the input does not make a mismatch. */
export function fingerprintOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export class IdempotencyKeys<R> {
  // Insertion order is age order: expiry only ever looks at the front.
  private readonly entries = new Map<string, Entry<R>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  claim(key: string, input: unknown): Claim<R> {
    this.expire();
    const fingerprint = fingerprintOf(input);
    const entry = this.entries.get(key);
    if (entry) {
      if (!entry.done) return { kind: 'concurrent' };
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return { kind: 'replay', response: entry.response as R };
    }
    const fresh: Entry<R> = { fingerprint, at: this.now(), done: false };
    this.entries.set(key, fresh);
    return {
      kind: 'new',
      finish: (response) => {
        fresh.done = true;
        fresh.response = response;
      },
      // A crash mid-attempt applied nothing: let the key be used again.
      abandon: () => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
      },
    };
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private expire(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) {
      if (entry.at > cutoff) break;
      this.entries.delete(key);
    }
  }
}
