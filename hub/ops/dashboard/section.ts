/**
 * Every source of the dashboard answers on its own: a source that is down, slow or not deployed
 * yet becomes "unavailable" with its reason, and the rest of the page still renders.
 */
export type Section<T> = { status: 'ok'; data: T; tookMs: number } | { status: 'unavailable'; error: string };

export interface SourceReader<T> {
  read(): Promise<Section<T>>;
}

/** Rejects with "<name>: no answer within <ms> ms" if `work` has not settled by then. */
export async function withTimeout<T>(name: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps a read in a timeout, and keeps at most one call in flight: when a dependency hangs, a
 * page refreshing every two seconds must not stack up a new hanging call each time.
 */
export function timeboxed<T>(name: string, timeoutMs: number, read: () => Promise<T>): SourceReader<T> {
  let pending: Promise<T> | null = null;
  return {
    async read() {
      if (pending !== null) return { status: 'unavailable', error: `${name}: previous read still pending` };
      const started = Date.now();
      const call = read();
      pending = call;
      call.then(
        () => (pending = null),
        () => (pending = null),
      );
      try {
        const data = await withTimeout(name, timeoutMs, call);
        return { status: 'ok', data, tookMs: Date.now() - started };
      } catch (error) {
        return { status: 'unavailable', error: describe(name, error) };
      }
    },
  };
}

/** "<source>: <message> (<cause's code>)": fetch's own message is only "fetch failed". */
export function describe(name: string, error: unknown): string {
  const { message, cause } = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; cause?: { code?: unknown } };
  const text = typeof message === 'string' ? message : String(error);
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return `${text.startsWith(`${name}:`) ? text : `${name}: ${text}`}${code}`;
}
