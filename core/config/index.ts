export { loadConfig } from './load';
export { readEnvFile, STACK_ENV_FILE } from './env-file';
export { stackConfigSchema, type StackConfig } from './stack-config';
