import type { Logger } from '../logging';

/**
 * Runs a service's main, and its shutdown once on SIGTERM or SIGINT (Ctrl-C): the shutdown
 * stops consuming, flushes producers and closes connections, then the process exits. A main
 * that fails to start is logged as fatal and exits 1.
 */
export function runService(name: string, logger: Logger, main: () => Promise<() => Promise<void>>): void {
  main().then(
    (shutdown) => {
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping');
        shutdown().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'unclean shutdown');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    },
    (error: unknown) => {
      logger.fatal({ err: error }, `${name} failed to start`);
      process.exit(1);
    },
  );
}
