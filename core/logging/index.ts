import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs (pino) on stdout. Components log with child loggers that carry what they handle:
 * `logger.child({ eventId, sku })`. LOG_LEVEL overrides the level (default info).
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
