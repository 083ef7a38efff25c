export { PDV_ENTITY, tillEventToDraft } from './mapper';
export { createPdvRouter, type PdvRouterDeps } from './router';
export { loadStoreTokens, STORE_TOKENS_FILE, StoreTokens, storeTokensFileSchema, type StoreTokensFile } from './store-tokens';
