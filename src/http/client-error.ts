import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errors } from '../core/errors.js';
import { baselineHeaders } from './security-headers.js';

/**
 * Replies for what Node's HTTP parser refuses before any route runs (a request not received
 * within the receive timeout, oversized headers, malformed HTTP), in the same `{"error"}` shape
 * and with the same headers and X-Request-Id as every other reply. Node calls this with the raw
 * socket: nothing is written when a response was already started on it.
 */
export function clientErrorReply(receiveTimeoutMs: number) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const started =
      (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (socket.writable && !started) {
      const known =
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? errors.requestTimeout(receiveTimeoutMs)
          : error.code === 'HPE_HEADER_OVERFLOW'
            ? errors.headersTooLarge()
            : errors.badRequest(error.code ?? 'unreadable HTTP');
      const body = JSON.stringify({ error: known.message });
      const headers = {
        ...baselineHeaders,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
        'x-request-id': randomUUID(),
      };
      socket.write(
        `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\n${Object.entries(headers)
          .map(([key, value]) => `${key}: ${value}\r\n`)
          .join('')}\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
