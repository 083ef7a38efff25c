export { PDV_ENTITY, tillEventToDraft } from './mapper';
export { PDV_MAX_BATCH, pdvPostSchema, tillEventSchema, type PdvPost, type TillEvent } from './post-schema';
export { createPdvRouter, type PdvRouterDeps } from './router';
export { loadStoreTokens, STORE_TOKENS_FILE, StoreTokens, storeTokensFileSchema, type StoreTokensFile } from './store-tokens';
