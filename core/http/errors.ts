import type { ErrorRequestHandler } from 'express';
import { AuthError, ConflictError, DependencyError, InvalidInputError, NotFoundError, PayloadTooLargeError } from '../errors';
import type { Logger } from '../logging';

export interface HttpErrorResponse {
  status: number;
  body: { error: string; field?: string } & Record<string, unknown>;
}

/**
 * body-parser and friends throw http-errors objects; `expose` marks the ones whose status and
 * message are meant for the client (413 too large, 400 bad charset). Without this they would
 * surface as 500s and a till would retry a batch that can never succeed.
 */
function isExposedClientError(error: unknown): error is { status: number; message: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true && typeof message === 'string';
}

/**
 * express decodes path parameters with decodeURIComponent and tags the URIError of a malformed
 * escape (`/v1/stock/%E0%A4%A`) with status 400, but not as exposed: the caller's typo, not ours.
 */
function isMalformedPathParameter(error: unknown): error is URIError {
  return error instanceof URIError && (error as { status?: unknown }).status === 400;
}

/**
 * The one mapping from the domain error hierarchy to HTTP. Invalid input is a 400 naming the
 * field; a dependency that is down is a 503 so that the caller retries; anything unexpected is a
 * 500 that says nothing about the internals.
 */
export function errorToHttp(error: unknown): HttpErrorResponse {
  if (error instanceof InvalidInputError) {
    return { status: 400, body: error.field === null ? { error: error.message } : { error: error.message, field: error.field } };
  }
  if (error instanceof AuthError) return { status: error.status, body: { error: error.message } };
  if (error instanceof NotFoundError) return { status: 404, body: { error: error.message } };
  if (error instanceof PayloadTooLargeError) return { status: 413, body: { error: error.message } };
  if (error instanceof ConflictError) return { status: 409, body: { error: error.message, ...error.details } };
  if (error instanceof DependencyError) return { status: 503, body: { error: `${error.dependency} unavailable, retry later` } };
  if (isExposedClientError(error)) return { status: error.status, body: { error: error.message } };
  if (isMalformedPathParameter(error)) return { status: 400, body: { error: 'malformed percent-encoding in the path', field: 'path' } };
  return { status: 500, body: { error: 'internal error' } };
}

/**
 * Express error middleware answering with errorToHttp. Client errors are logged without a
 * stack (they are the caller's), 5xx with the error and its cause chain.
 */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = errorToHttp(error);
    const request = { method: req.method, path: req.originalUrl, status };
    if (status >= 500) logger.error({ ...request, err: error }, 'request failed');
    else logger.info({ ...request, error: body.error, field: body.field }, 'request refused');
    // Refused before its body was read (401 ahead of the parser, 413): Node would otherwise read
    // and discard the rest to keep the connection, for as long as the caller keeps sending.
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.readableEnded) res.set('connection', 'close');
    res.status(status).json(body);
  };
}
