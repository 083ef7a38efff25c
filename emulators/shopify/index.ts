/**
 * A local Shopify Admin API emulator on Shopify's real schema, for tests and the demo (never
 * production). Start it with `node --import tsx emulators/shopify/main.ts`, or in a test:
 *
 *   const running = await startShopifyEmulator(loadEmulatorOptions(env, { seedFrom: 'none', port: 0 }));
 */
export { bucketOf, emulatorOptionsSchema, loadEmulatorOptions, PLANS, type EmulatorOptions, type EmulatorOptionsInput, type PlanName } from './config';
export { calculateCost, DEFAULT_PAGE_SIZE, MUTATION_FIELD_COST } from './cost';
export type { ChangeEntry, ChangeSource } from './changes';
export type { LevelRow } from './control';
export { ShopifyEmulator } from './emulator';
export { loadAdminSchema, schemaPathOf } from './schema';
export { createEmulatorApp, startShopifyEmulator, type RunningEmulator } from './server';
export { MAX_QUANTITIES, REASONS } from './set-quantities';
export { LeakyBucket, type ThrottleStatus } from './throttle';
export { signWebhook, type WebhookCounts } from './webhooks';
