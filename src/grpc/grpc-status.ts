import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { BerthError, errors } from '../core/errors.js';
import type { Logger } from '../observe/logger.js';

/**
 * Catalogue statuses → gRPC status codes, after the HTTP mapping google.rpc.Code documents
 * (googleapis google/rpc/code.proto): 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403
 * PERMISSION_DENIED, 404 NOT_FOUND, 409 ABORTED, 429 RESOURCE_EXHAUSTED, 501 UNIMPLEMENTED, 503
 * UNAVAILABLE, 504 DEADLINE_EXCEEDED. 413 (too many rows/values) is RESOURCE_EXHAUSTED, the code
 * grpc itself gives an oversized message, so "too big" reads the same whoever noticed it; 408 (the
 * message not received in time) is DEADLINE_EXCEEDED, as grpc-js says of its own deadlines.
 */
const codeByHttpStatus: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  405: status.UNIMPLEMENTED,
  408: status.DEADLINE_EXCEEDED,
  409: status.ABORTED,
  413: status.RESOURCE_EXHAUSTED,
  415: status.INVALID_ARGUMENT,
  429: status.RESOURCE_EXHAUSTED,
  501: status.UNIMPLEMENTED,
  503: status.UNAVAILABLE,
  504: status.DEADLINE_EXCEEDED,
};

export function grpcCodeFor(httpStatus: number): status {
  return codeByHttpStatus[httpStatus] ?? (httpStatus < 500 ? status.INVALID_ARGUMENT : status.INTERNAL);
}

/**
 * Anything thrown while handling a call → a gRPC status whose details are the catalogue message.
 * Headers such as Retry-After travel as trailing metadata. Anything that is not a BerthError is
 * Berth's own fault: INTERNAL with a generic message; the details go to the log only.
 */
export function toGrpcStatus(error: unknown, requestId: string, logger: Logger): StatusObject {
  if (error instanceof BerthError) return catalogueStatus(error);
  logger.error({ err: error, requestId }, 'internal error while handling a gRPC call');
  return { code: status.INTERNAL, details: errors.internal(requestId).message, metadata: new Metadata() };
}

/** A catalogue error as a gRPC status: its code by the mapping above, its headers as trailing metadata. */
export function catalogueStatus(error: BerthError): StatusObject {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(error.headers)) metadata.set(key, value);
  return { code: grpcCodeFor(error.status), details: error.message, metadata };
}
