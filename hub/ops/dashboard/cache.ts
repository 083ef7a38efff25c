/**
 * One value shared by every caller for `ttlMs` after it is computed, and one computation however
 * many dashboards ask at the same moment: ten open pages cost the sources what one does.
 */
export function sharedFor<T>(ttlMs: number, compute: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let entry: { settledAt: number | null; promise: Promise<T> } | null = null;
  return () => {
    const fresh = entry !== null && (entry.settledAt === null || now() - entry.settledAt < ttlMs);
    if (!fresh || entry === null) {
      const current: { settledAt: number | null; promise: Promise<T> } = { settledAt: null, promise: compute() };
      entry = current;
      current.promise.then(
        () => (current.settledAt = now()),
        // A failed computation is not served again: the next caller tries afresh.
        () => {
          if (entry === current) entry = null;
        },
      );
    }
    return entry.promise;
  };
}
