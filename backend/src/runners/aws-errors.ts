/** Classifies AWS SDK errors for the runners' polling loops. */

interface SdkErrorLike {
  name?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = new Set(['ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling', 'SlowDown']);

/** The service asked us to slow down: wait longer and try again; never a job failure. */
export function isThrottling(err: unknown): boolean {
  const e = err as SdkErrorLike;
  return THROTTLING.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429 || e?.$retryable?.throttling === true;
}

/** A failure worth retrying: throttling, a 5xx, or the network. */
export function isTransientAwsError(err: unknown): boolean {
  const e = err as SdkErrorLike & { code?: string };
  if (isThrottling(err)) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status != null && status >= 500) return true;
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'TimeoutError', 'InternalServerError', 'InternalServerException', 'ServiceUnavailable'].includes(e?.code ?? e?.name ?? '');
}

/** Text for logs and job errors: the SDK error's name and message. */
export function describeAwsError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
