import { Metadata, status, type handleUnaryCall, type ServerUnaryCall, type StatusObject } from '@grpc/grpc-js';
import { BerthError } from '../core/errors.js';
import { accessLogger, type Logger } from '../observe/logger.js';
import type { TraceArrival } from '../observe/tracing/tracing.js';
import type { RequestContext } from '../serving/request-context.js';
import type { RequestGate } from '../serving/request-gate.js';
import { toGrpcStatus } from './grpc-status.js';

export interface UnaryCall<Request> {
  message: Request;
  /** The request id, the caller's key check, its admission ticket and its deadline (the caller's, capped by the server's). */
  context: RequestContext;
}

export type UnaryHandler<Request, Response> = (call: UnaryCall<Request>) => Promise<Response> | Response;

/** Probes never need the API key, as /v2/health/live and /v2/health/ready over HTTP. */
const openRpcs = new Set(['ServerLive', 'ServerReady']);

/**
 * Wraps a handler with what every RPC gets, through the same request gate as HTTP requests: a
 * request id (`x-request-id` metadata or a new one, sent back as response metadata), the API key
 * (`authorization: Bearer <key>` metadata), admission (429 → RESOURCE_EXHAUSTED with retry-after),
 * catalogue errors as gRPC statuses, and one log line per call.
 */
export function unaryRpcFactory(logLines: boolean, logger: Logger, gate: RequestGate) {
  const access = accessLogger(logger);
  return <Request, Response>(
      rpc: string,
      handler: UnaryHandler<Request, Response>,
    ): handleUnaryCall<Request, Response> =>
    (call: ServerUnaryCall<Request, Response>, callback) => {
      const started = performance.now();
      const requestId = gate.requestId(call.metadata.get('x-request-id')[0]);
      const headers = new Metadata();
      headers.set('x-request-id', requestId);
      call.sendMetadata(headers);

      const message = call.request as Request & { model_name?: string; name?: string };
      const model = message.model_name ?? message.name;
      const finish = (code: status, context?: RequestContext) => {
        context?.trace?.end({ grpcCode: code });
        if (!logLines) return;
        access.info(
          {
            requestId,
            traceId: context?.trace?.traceId,
            rpc,
            model: model || undefined,
            code: status[code],
            ms: Math.round((performance.now() - started) * 10) / 10,
          },
          'grpc request',
        );
      };
      const fail = (error: unknown, context?: RequestContext) => {
        const reply: StatusObject = toGrpcStatus(error, requestId, logger);
        finish(reply.code, context);
        callback(reply);
      };

      // The message is already received: it takes a slot and its bytes at once.
      const open = openRpcs.has(rpc);
      const trace = gate.tracing && !open ? traceArrival(rpc, call.metadata) : undefined;
      const context = gate.enter({
        requestId,
        authorization: call.metadata.get('authorization')[0],
        bytes: messageBytes(call.request),
        open,
        trace,
      });
      if (context instanceof BerthError) return fail(context);
      gate.handle(context, epochMs(call.getDeadline()));
      Promise.resolve()
        .then(() => handler({ message: call.request, context }))
        .then(
          (response) => {
            gate.leave(context);
            finish(status.OK, context);
            callback(null, response);
          },
          (error: unknown) => {
            gate.leave(context);
            fail(error, context);
          },
        );
    };
}

/** The server span of an RPC, named and described as OpenTelemetry's RPC semantic conventions say; W3C Trace Context comes as metadata. */
function traceArrival(rpc: string, metadata: Metadata): TraceArrival {
  return {
    name: `${grpcService}/${rpc}`,
    traceparent: metadata.get('traceparent')[0],
    tracestate: metadata.get('tracestate')[0],
    attributes: { 'rpc.system': 'grpc', 'rpc.service': grpcService, 'rpc.method': rpc },
  };
}

const grpcService = 'inference.GRPCInferenceService';

/** About what a decoded message holds: its raw contents, and 8 bytes per typed value. */
function messageBytes(message: unknown): number {
  const { raw_input_contents: raw = [], inputs = [] } = (message ?? {}) as {
    raw_input_contents?: Uint8Array[];
    inputs?: Array<{ contents?: Record<string, unknown[] | undefined> | null }>;
  };
  let bytes = 0;
  for (const part of raw) bytes += part.byteLength;
  for (const input of inputs)
    for (const values of Object.values(input.contents ?? {})) bytes += (values?.length ?? 0) * 8;
  return bytes;
}

function epochMs(deadline: Date | number): number | undefined {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}
