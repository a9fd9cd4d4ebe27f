/**
 * Typed errors of the job service. Every error a client can see is an {@link ApiError}: it carries
 * the HTTP status and a stable UPPER_SNAKE code; the central error handler turns it into
 * `{"error": {"code", "message", "details"?}}`. Anything else is an internal error and is answered
 * with a generic 500 that never leaks its message.
 */

/** Base of every error that is answered to the client as is. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or the config is invalid. */
export class BadRequestError extends ApiError {
  constructor(message: string, details?: unknown, code = 'BAD_REQUEST') {
    super(400, code, message, details);
  }
}

/** 401: no token, or a token that does not verify (signature, issuer, expiry, client, token use). */
export class UnauthorizedError extends ApiError {
  constructor(message = 'A valid bearer token is required: send "Authorization: Bearer <token>".') {
    super(401, 'UNAUTHORIZED', message);
  }
}

/** 403: the caller is known but may not do this (dataset outside her groups, someone else's job). */
export class ForbiddenError extends ApiError {
  constructor(message: string, code = 'FORBIDDEN') {
    super(403, code, message);
  }
}

/** 404: no such resource (or one the caller may not see, which is answered the same way). */
export class NotFoundError extends ApiError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(404, code, message);
  }
}

/** 409: the request conflicts with the resource's state (idempotency key reused, job not finished). */
export class ConflictError extends ApiError {
  constructor(message: string, code = 'CONFLICT') {
    super(409, code, message);
  }
}

/** 413: a body, upload or preview input over its limit. */
export class PayloadTooLargeError extends ApiError {
  constructor(message: string) {
    super(413, 'PAYLOAD_TOO_LARGE', message);
  }
}

/** 503: a dependency (the engine, the store) is not available right now; retry later. */
export class ServiceUnavailableError extends ApiError {
  constructor(message: string, code = 'SERVICE_UNAVAILABLE') {
    super(503, code, message);
  }
}

/** 504: a synchronous operation (preview, explain) did not finish within its time limit. */
export class TimeoutError extends ApiError {
  constructor(message: string) {
    super(504, 'TIMEOUT', message);
  }
}

/** Invalid service configuration (environment variables); thrown at start-up, never to a client. */
export class ServiceConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ServiceConfigError';
  }
}
