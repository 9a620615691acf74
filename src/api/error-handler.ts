import { errors as esErrors } from '@elastic/elasticsearch';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isEsUnavailable } from '../adapters/elasticsearch';
import { isRedisUnavailable } from '../adapters/redis';
import {
  AppError,
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  InvalidCredentialsError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from '../lib/errors';

function statusOf(err: AppError): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof UnauthorizedError || err instanceof InvalidCredentialsError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof RateLimitedError) return 429;
  if (err instanceof DependencyUnavailableError) return 503;
  return 500;
}

/** The one place errors become HTTP. Every body carries the request id; 5xx bodies say nothing internal. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const requestId = request.id;
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = error.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
        const where = (error as { validationContext?: string }).validationContext ?? 'body';
        return { field: path ? `${where}.${path}` : where, message: v.message ?? 'invalid' };
      });
      return reply.status(400).send({ error: 'validation_failed', message: fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields, requestId });
    }
    if (error instanceof AppError) {
      const status = statusOf(error);
      if (error instanceof RateLimitedError) void reply.header('retry-after', String(error.retryAfterSeconds));
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      // A validation error may name its fields (or spreadsheet rows): sent as `fields`.
      const named = error instanceof ValidationError ? (error as ValidationError).details?.fields : undefined;
      const fields = Array.isArray(named) ? { fields: named as { field: string; message: string }[] } : {};
      // A conflict may carry the object as it is now (`current`) and why (`reason`).
      const conflictDetails = error instanceof ConflictError ? (error as ConflictError).details : undefined;
      const extra = conflictDetails ?? {};
      return reply.status(status).send({ ...extra, error: error.code, message: status >= 500 ? 'Service unavailable' : error.message, ...fields, requestId });
    }
    if (isEsUnavailable(error) || isRedisUnavailable(error)) {
      request.log.warn({ err: error.message }, 'dependency unavailable');
      void reply.header('retry-after', '5');
      return reply.status(503).send({ error: 'unavailable', message: 'Service temporarily unavailable', requestId });
    }
    // A 4xx from Elasticsearch is our query's fault, not the client's: a generic 500, details only in the log.
    const fromUpstream = error instanceof esErrors.ResponseError;
    const status = !fromUpstream && typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status < 500) return reply.status(status).send({ error: error.code ?? 'bad_request', message: error.message, requestId });
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: 'Internal error', requestId });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: 'not_found', message: 'Route not found', requestId: request.id }));
}
