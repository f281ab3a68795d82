import { errors } from '../errors.js';
import type { Settings } from './schema.js';

/**
 * The rules that need more than one setting (one value's bounds are its field's). Each is a small
 * function that throws BERTH_BAD_CONFIG naming the setting, as in changesets' config rules.
 */
type Rule = (settings: Settings) => void;

const apiKeyOnce: Rule = ({ server }) => {
  if (server.apiKey && server.apiKeyFile)
    throw errors.badConfig(
      'server.apiKeyFile',
      'give the API key once: server.apiKey (--api-key) or server.apiKeyFile (--api-key-file), not both',
    );
};

/** Loading and unloading models on request changes what is served: never for anonymous callers. */
const modelControlNeedsKey: Rule = ({ server }) => {
  if (server.modelControl && !server.apiKey && !server.apiKeyFile) {
    throw errors.badConfig(
      'server.modelControl',
      'loading and unloading models on request needs an API key, or anyone could change what is served; set --api-key-file (or BERTH_API_KEY) too',
    );
  }
};

const portsDiffer: Rule = ({ server }) => {
  if (server.grpcPort !== 0 && server.grpcPort === server.port)
    throw errors.badConfig('server.grpcPort', 'must differ from server.port');
};

const payloadLogTotal: Rule = ({ monitoring: { payloadLog } }) => {
  if (payloadLog.maxTotalBytes < payloadLog.maxFileBytes)
    throw errors.badConfig(
      'monitoring.payloadLog.maxTotalBytes',
      `must be at least maxFileBytes (${payloadLog.maxFileBytes})`,
    );
};

const payloadLogDestination: Rule = ({ monitoring: { payloadLog } }) => {
  if (payloadLog.enabled && payloadLog.dir === '' && payloadLog.sinkUrl === '')
    throw errors.badConfig('monitoring.payloadLog', 'needs a dir or a sink.url');
};

const tracingEndpoint: Rule = ({ tracing }) => {
  if (tracing.enabled && tracing.endpoint === '')
    throw errors.badConfig('tracing.endpoint', 'tracing needs an OTLP/HTTP URL to export to');
};

export const configRules: readonly Rule[] = [
  apiKeyOnce,
  modelControlNeedsKey,
  portsDiffer,
  payloadLogTotal,
  payloadLogDestination,
  tracingEndpoint,
];
