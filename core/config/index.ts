export { loadConfig } from './load';
export { readEnvFile, STACK_ENV_FILE } from './env-file';
export { DEVELOPMENT, DEVELOPMENT_HINT, isDevelopment } from './environment';
export { developmentFile, developmentFileSetting } from './development-file';
export { stackConfigSchema, type StackConfig } from './stack-config';
