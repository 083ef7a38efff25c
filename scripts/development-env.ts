/**
 * Imported first by the development tools (the fault suite, the availability test, the
 * benchmarks, the simulator, npm start's runner) and run before every test (jest's setupFiles):
 * they run against the local stack, so its development values apply (core/config/environment.ts)
 * unless STOCKHUB_ENV says otherwise.
 * Services started by them inherit it. Production entry points never import this.
 */
import { DEVELOPMENT } from '../core/config/environment';

process.env.STOCKHUB_ENV ??= DEVELOPMENT;
