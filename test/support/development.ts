import { DEVELOPMENT } from '../../core/config/environment';

/** An explicit environment that is a development machine's: the repo's development values apply. */
export const development = (env: Record<string, string> = {}): NodeJS.ProcessEnv => ({ STOCKHUB_ENV: DEVELOPMENT, ...env });
