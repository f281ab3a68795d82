import { randomUUID } from 'node:crypto';
import { Metadata, status, type handleUnaryCall, type ServerUnaryCall, type StatusObject } from '@grpc/grpc-js';
import { errors } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import { accessLogger, type Logger } from '../observe/logger.js';
import type { Admission } from '../protocol/admission.js';
import { apiKeyCheck } from './grpc-auth.js';
import { toGrpcStatus } from './grpc-status.js';

export interface UnaryCall<Request> {
  message: Request;
  requestId: string;
  /** The caller's gRPC deadline in epoch milliseconds, if it set one. */
  deadline: number | undefined;
}

export type UnaryHandler<Request, Response> = (call: UnaryCall<Request>) => Promise<Response> | Response;

/** Probes never need the API key, as /v2/health/live and /v2/health/ready over HTTP. */
const openRpcs = new Set(['ServerLive', 'ServerReady']);

const requestIdPattern = /^[\w.:@/+=-]{1,128}$/;

/**
 * Wraps a handler with what every RPC gets, like the HTTP server's hooks: a request id (taken from
 * `x-request-id` metadata or generated, and sent back as response metadata), the API key check,
 * catalogue errors as gRPC statuses, and one log line per call.
 */
export function unaryRpcFactory(settings: Settings, logger: Logger, admission?: Admission) {
  const authorized = apiKeyCheck(settings.server.apiKey);
  const access = accessLogger(logger);
  return <Request, Response>(rpc: string, handler: UnaryHandler<Request, Response>): handleUnaryCall<Request, Response> =>
    (call: ServerUnaryCall<Request, Response>, callback) => {
      const started = performance.now();
      const given = call.metadata.get('x-request-id')[0];
      const requestId = typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
      const headers = new Metadata();
      headers.set('x-request-id', requestId);
      call.sendMetadata(headers);

      const finish = (code: status, model: string | undefined) => {
        if (!settings.log.requests) return;
        access.info({ requestId, rpc, model: model || undefined, code: status[code], ms: Math.round((performance.now() - started) * 10) / 10 }, 'grpc request');
      };
      const message = call.request as Request & { model_name?: string; name?: string };
      const model = message.model_name ?? message.name;
      const fail = (error: unknown) => {
        const reply: StatusObject = toGrpcStatus(error, requestId, logger);
        finish(reply.code, model);
        callback(reply);
      };

      if (authorized && !openRpcs.has(rpc) && !authorized(call.metadata)) return fail(errors.unauthorized());
      // The same admission as HTTP requests: the message is already received, so it takes a
      // slot and its bytes at once (429 → RESOURCE_EXHAUSTED with retry-after).
      const { ticket, refusal } = admission?.enter(messageBytes(call.request), openRpcs.has(rpc)) ?? {};
      if (refusal) return fail(refusal);
      if (ticket) admission!.handle(ticket);
      const leave = () => ticket && admission!.leave(ticket);
      const deadline = epochMs(call.getDeadline());
      Promise.resolve()
        .then(() => handler({ message: call.request, requestId, deadline }))
        .then((response) => {
          leave();
          finish(status.OK, model);
          callback(null, response);
        }, (error: unknown) => {
          leave();
          fail(error);
        });
    };
}

/** About what a decoded message holds: its raw contents, and 8 bytes per typed value. */
function messageBytes(message: unknown): number {
  const { raw_input_contents: raw = [], inputs = [] } = (message ?? {}) as { raw_input_contents?: Uint8Array[]; inputs?: Array<{ contents?: Record<string, unknown[] | undefined> | null }> };
  let bytes = 0;
  for (const part of raw) bytes += part.byteLength;
  for (const input of inputs) for (const values of Object.values(input.contents ?? {})) bytes += (values?.length ?? 0) * 8;
  return bytes;
}

function epochMs(deadline: Date | number): number | undefined {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}
