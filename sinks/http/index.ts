export { errorToHttp, httpErrorHandler, type HttpErrorResponse } from './errors';
export { rawBody } from './raw-body';
