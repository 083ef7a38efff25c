import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../logging';

/**
 * Listens on HTTP_HOST:port (HTTP_HOST defaults to 127.0.0.1; containers set 0.0.0.0); a port
 * already taken stops the service with a message naming it instead of an unhandled 'error' event.
 */
export function listen(app: Express, port: number, logger: Logger, what: string, host = process.env.HTTP_HOST ?? '127.0.0.1'): Server {
  const server = app.listen(port, host, () => logger.info({ host, port }, `listening: ${what}`));
  server.on('error', (error: NodeJS.ErrnoException) => {
    logger.fatal({ port, code: error.code }, error.code === 'EADDRINUSE' ? `port ${port} is already in use` : `cannot listen on ${port}`);
    process.exit(1);
  });
  return server;
}
