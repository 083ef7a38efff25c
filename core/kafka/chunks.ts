import type { Message } from 'kafkajs';

/**
 * The broker refuses a produce request whose record batch exceeds message.max.bytes (1 MiB by
 * default), and kafkajs sends all of a call's messages for one partition as one batch. Sending
 * in slices of at most `maxBytes` of keys and values keeps every batch under that limit.
 * Default 512 KiB.
 */
export function chunkBySize(messages: readonly Message[], maxBytes = 512 * 1024): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = byteLength(message.key) + byteLength(message.value) + 64;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function byteLength(value: Message['key'] | Message['value']): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
