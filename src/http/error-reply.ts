import { BerthError, errors } from '../core/errors.js';
import type { Logger } from '../observe/logger.js';

/** fastify's own error codes for body parsing, mapped onto the catalogue. */
const fastifyCodes: Record<string, (error: FastifyLikeError, limit: number, contentType: string) => BerthError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (_, __, contentType) =>
    errors.unsupportedMediaType(contentType.split(';')[0]!.trim().slice(0, 100)),
  FST_ERR_CTP_BODY_TOO_LARGE: (_, limit) => errors.bodyTooLarge(limit),
  FST_ERR_CTP_INVALID_JSON_BODY: (error) => errors.invalidJson(error.message),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => errors.emptyBody(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => errors.badField('Content-Length', 'the length of the body'),
  FST_ERR_BAD_URL: () => errors.badField('the URL', 'valid percent-encoding'),
};

interface FastifyLikeError extends Error {
  code?: string;
  statusCode?: number;
}

/**
 * Turns anything thrown while handling a request into a status, headers and `{"error": …}`
 * (OIP v2 §"Errors"). Caller mistakes keep their catalogue status; anything else is a 500 whose
 * details go to the log only — no stack trace ever leaves the process.
 */
export function errorReply(
  error: unknown,
  request: { id: string; contentType: string },
  bodyLimit: number,
  logger: Logger,
): { status: number; headers: Record<string, string>; body: { error: string } } {
  let known: BerthError | undefined;
  if (error instanceof BerthError) known = error;
  else if (error instanceof SyntaxError && (error as FastifyLikeError).statusCode === 400)
    known = errors.invalidJson(error.message);
  else {
    const fastifyError = error as FastifyLikeError;
    const map = fastifyError?.code ? fastifyCodes[fastifyError.code] : undefined;
    if (map) known = map(fastifyError, bodyLimit, request.contentType);
    else if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      known = new BerthError(fastifyError.code ?? 'BERTH_BAD_REQUEST', fastifyError.statusCode, fastifyError.message);
    }
  }
  if (known) return { status: known.status, headers: known.headers, body: { error: known.message } };
  logger.error({ err: error, requestId: request.id }, 'internal error while handling a request');
  return { status: 500, headers: {}, body: { error: errors.internal(request.id).message } };
}
