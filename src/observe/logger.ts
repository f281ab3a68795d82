import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs (pino). The API key and Authorization headers are redacted wherever they appear, so
 * a secret never reaches a log line.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'berth', pid: process.pid },
      redact: { paths: ['apiKey', '*.apiKey', 'settings.server.apiKey', 'req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ sync: false }),
  );
}
