/**
 * Which environment a process runs in. Only `STOCKHUB_ENV=development` (set by `npm start`, the
 * tests, the local stack and the development tools) lets the repo's development values apply:
 * config/stack.env's addresses and passwords, and the development secrets in config/ (Shopify,
 * API and store tokens). Anywhere else a missing setting stops the service at start, by name,
 * instead of pointing it at 127.0.0.1 with a development password.
 */
export const DEVELOPMENT = 'development';

export function isDevelopment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.STOCKHUB_ENV === DEVELOPMENT;
}

/** What a message about a missing setting adds, so that a developer knows the way out. */
export const DEVELOPMENT_HINT = `on a development machine, STOCKHUB_ENV=${DEVELOPMENT} takes the repo's development values`;
