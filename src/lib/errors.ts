/**
 * Application errors. The API's error handler is the only place that maps them to HTTP statuses;
 * services throw these and never think about HTTP.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('validation_failed', message, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required') {
    super('unauthorized', message);
  }
}
export class InvalidCredentialsError extends AppError {
  constructor() {
    super('invalid_credentials', 'Неверное имя пользователя или пароль');
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed') {
    super('forbidden', message);
  }
}
/** Also used for objects outside the caller's scope, so their existence does not leak. */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}
export class ConflictError extends AppError {
  /** `details` are sent in the 409 body (e.g. `current`: the object as it is now). */
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
  }
}
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 'Too many attempts, try again later');
  }
}
/** A backing service (Elasticsearch, Redis) is unreachable: the request can be retried later. */
export class DependencyUnavailableError extends AppError {
  constructor(readonly dependency: 'elasticsearch' | 'redis', cause?: unknown) {
    super('unavailable', `${dependency} is unavailable`);
    if (cause !== undefined) this.cause = cause;
  }
}
