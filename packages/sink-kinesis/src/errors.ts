import { DeliveryError, type ErrorCode, OffloaderError, type OffloaderErrorOptions } from '@offloader/core';

/** How the sink reacts to an error of a whole call or of one record. */
export type FailureKind =
  /** Retry after backoff and lower the concurrency. */
  | 'throttled'
  /** Retry after backoff (5xx, InternalFailure, network). */
  | 'retryable'
  /** Stop the route for a while: ResourceNotFoundException. */
  | 'stream-not-found'
  /** Stop the route for a while: access denied, bad or expired credentials. */
  | 'credentials'
  /** Stop the route for a while: KMS errors, invalid arguments, other 4xx. */
  | 'non-retryable';

export interface ClassifiedFailure {
  kind: FailureKind;
  /** AWS error code, network error code or HTTP status, for metrics (`code` label) and events. */
  awsCode: string;
}

const THROTTLING_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'SlowDown',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'KMSThrottlingException',
]);

const RETRYABLE_CODES = new Set([
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'RequestAbortedError',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const CREDENTIAL_CODES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
  'CredentialsProviderError',
  'UnauthorizedOperation',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

/** Classifies a per-record `ErrorCode` from a PutRecords result. */
export function classifyRecordError(errorCode: string): ClassifiedFailure {
  if (THROTTLING_CODES.has(errorCode)) return { kind: 'throttled', awsCode: errorCode };
  if (RETRYABLE_CODES.has(errorCode)) return { kind: 'retryable', awsCode: errorCode };
  if (errorCode === 'ResourceNotFoundException') return { kind: 'stream-not-found', awsCode: errorCode };
  if (CREDENTIAL_CODES.has(errorCode)) return { kind: 'credentials', awsCode: errorCode };
  return { kind: 'non-retryable', awsCode: errorCode };
}

/** Classifies an error thrown by a whole PutRecords call (SDK service exception or network failure). */
export function classifyCallError(error: unknown): ClassifiedFailure {
  const e = (error ?? {}) as ErrorLike;
  const networkCode = findNetworkCode(error);
  if (networkCode) return { kind: 'retryable', awsCode: networkCode };
  const name = e.name && e.name !== 'Error' ? e.name : undefined;
  const status = e.$metadata?.httpStatusCode;
  if (name) {
    if (THROTTLING_CODES.has(name)) return { kind: 'throttled', awsCode: name };
    if (RETRYABLE_CODES.has(name)) return { kind: 'retryable', awsCode: name };
    if (name === 'ResourceNotFoundException') return { kind: 'stream-not-found', awsCode: name };
    if (CREDENTIAL_CODES.has(name)) return { kind: 'credentials', awsCode: name };
  }
  if (status === 429) return { kind: 'throttled', awsCode: name ?? 'HTTP_429' };
  if (status !== undefined && status >= 500) return { kind: 'retryable', awsCode: name ?? `HTTP_${status}` };
  if (status === 401 || status === 403) return { kind: 'credentials', awsCode: name ?? `HTTP_${status}` };
  if (status !== undefined && status >= 400) {
    // 413 from a server with a smaller body limit than configured: the request, not the data, is wrong.
    return { kind: 'non-retryable', awsCode: name ?? `HTTP_${status}` };
  }
  // No status and no known name: something between us and the service broke; treat as transient.
  return { kind: 'retryable', awsCode: name ?? e.code ?? 'UnknownError' };
}

function findNetworkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as ErrorLike;
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name && NETWORK_CODES.has(e.name)) return e.name;
    if (typeof e.message === 'string' && /socket hang up/i.test(e.message)) return 'ECONNRESET';
    current = e.cause;
  }
  return undefined;
}

const VALIDATION_CODES = new Set([
  'ValidationException',
  'InvalidArgumentException',
  'SerializationException',
  'HTTP_400',
]);

/**
 * A call refused as a whole for its content (a validation error) rather than for the stream, the credentials
 * or the key: one bad record refuses the request, so splitting the request finds it. An error that names the
 * stream is about the configuration and is not split.
 */
export function isRequestContentError(failure: ClassifiedFailure, error: unknown): boolean {
  if (failure.kind !== 'non-retryable' || !VALIDATION_CODES.has(failure.awsCode)) return false;
  const message = String((error as ErrorLike | undefined)?.message ?? '');
  return !/stream ?(name|arn)/i.test(message);
}

/**
 * The SDK failed before the request left the process (no credentials, no region, signing): nothing was sent,
 * so it is no put request, and waiting does not heal it.
 */
export class CallNotSentError extends Error {
  constructor(readonly reason: unknown) {
    super(`request not sent: ${(reason as Error | undefined)?.message ?? String(reason)}`);
    this.name = 'CallNotSentError';
  }
}

/** The error code of our own `DeliveryError` for a classified failure. */
export function deliveryCodeOf(kind: FailureKind): ErrorCode {
  switch (kind) {
    case 'stream-not-found':
      return 'STREAM_NOT_FOUND';
    case 'credentials':
      return 'SINK_CREDENTIALS';
    case 'non-retryable':
      return 'SINK_NON_RETRYABLE';
    default:
      return 'SINK_RETRIES_EXHAUSTED';
  }
}

/** The sink stopped a route after a non-retryable error; outcomes carry it until the pause ends. */
export class RoutePausedError extends DeliveryError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly stream: string,
    readonly until: number,
  ) {
    super(code, message, { retryable: false });
    this.name = 'RoutePausedError';
  }
}

const REDACTED = '[redacted]';

/** Patterns that carry credential material in AWS error texts (signatures, key ids, tokens). */
const SECRET_PATTERNS: RegExp[] = [
  /\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g,
  /(Credential=)[^,\s"']+/gi,
  /(Signature=)[0-9a-fA-F]+/gi,
  /(X-Amz-Security-Token[=:]\s*)[^,\s"'&]+/gi,
  /(Authorization[=:]\s*)[^\n"']+/gi,
];

/**
 * Removes credential material from text meant for logs, events, metric labels or error messages: the
 * configured key values themselves, plus anything shaped like an access key id, signature or token that an
 * SDK or server might echo.
 */
export class SecretRedactor {
  private readonly secrets: string[];

  constructor(secrets: (string | undefined)[] = []) {
    this.secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join(REDACTED);
    for (const pattern of SECRET_PATTERNS) {
      result = result.replace(pattern, (_match, prefix?: string) =>
        typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED,
      );
    }
    return result;
  }

  /** `Name: message` of any thrown value, redacted and cut to a readable length. */
  describe(error: unknown): string {
    const e = (error ?? {}) as ErrorLike;
    const name = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
    const message = typeof e.message === 'string' && e.message ? e.message : String(error);
    const text = `${name}: ${message}`;
    return this.redact(text.length > 500 ? `${text.slice(0, 500)}…` : text);
  }
}

/** A KPL aggregated record cannot be built or read back (malformed protobuf, missing key). */
export class KplError extends OffloaderError {
  constructor(message: string, options: OffloaderErrorOptions = {}) {
    super('KPL_INVALID', message, options);
    this.name = 'KplError';
  }
}

/** The embedded local Kinesis (`endpoint: local`) cannot start: kinesalite missing, port taken, data locked. */
export class LocalServerError extends OffloaderError {
  constructor(message: string, options: OffloaderErrorOptions = {}) {
    super('LOCAL_SERVER_FAILED', message, options);
    this.name = 'LocalServerError';
  }
}
