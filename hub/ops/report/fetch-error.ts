/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout). */
export function describeFetchError(error: unknown): string {
  // Not `instanceof Error`: fetch's errors may come from another realm (undici's own globals).
  const { message, cause } = (error ?? {}) as { message?: string; cause?: { code?: string; message?: string } };
  if (message === undefined) return String(error);
  return cause ? `${message} (${cause.code ?? cause.message})` : message;
}
