export { errorToHttp, httpErrorHandler, type HttpErrorResponse } from './errors';
export { createOpsRouter, type HealthCheck } from './ops-router';
export { listen } from './listen';
