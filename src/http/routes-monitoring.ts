import type { FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';
import type { ModelMonitoring } from '../observe/monitoring/model-monitoring.js';
import { rowsSchema } from '../protocol/body-schemas.js';
import { instancesCodec } from '../protocol/seed-codec.js';
import type { HttpContext, Route } from './route.js';
import { typicalRow, type TypicalRow } from './openapi-examples.js';

type ModelParams = { name: string; version?: string };
const params = (request: FastifyRequest) => request.params as ModelParams;

const driftResponse = {
  type: 'object',
  description: 'Drift of the live window against the reference profile, and live accuracy (docs/monitoring.md)',
  required: ['model', 'version', 'generated_at', 'sample_size', 'drifted', 'features', 'accuracy'],
  properties: {
    model: { type: 'string' },
    version: { type: 'string' },
    drifted: { type: 'boolean' },
    drifted_features: { type: 'array', items: { type: 'string' } },
    sample_size: { type: 'integer' },
    features: { type: 'array', items: { type: 'object' } },
    prediction: { type: 'object', nullable: true },
    accuracy: { type: 'object' },
  },
};

const feedbackBody = (model?: Parameters<NonNullable<Route['body']>>[0]) => ({
  oneOf: [
    {
      type: 'object',
      title: 'by request id (the X-Request-Id of the prediction)',
      required: ['id', 'value'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1 },
        value: { description: 'the true value; an array when the request predicted several rows' },
      },
    },
    {
      type: 'object',
      title: 'by inputs: Berth predicts the rows now',
      required: ['instances', 'values'],
      additionalProperties: false,
      properties: {
        instances: model ? rowsSchema(model.metadata, model.config) : { type: 'array', minItems: 1 },
        values: { type: 'array', minItems: 1, description: 'one true value per instance' },
      },
    },
  ],
});

/** Feedback by inputs: the rows are predicted by the version the traffic policy picks, and its raw answer kept. */
const feedbackCodec = instancesCodec((response, model) => ({ version: model.metadata.version, response }));

/** Drift reports and feedback: each route checks the model exists, then delegates to ModelMonitoring. */
export function monitoringRoutes(monitoring: ModelMonitoring, { dataplane }: HttpContext): Route[] {
  const drift = async (request: FastifyRequest) => {
    const { name, version } = params(request);
    const model = dataplane.models.model(name);
    if (version !== undefined && !model.versions.has(version)) throw errors.unknownVersion(name, version);
    if (!monitoring.settings.enabled) throw errors.notMonitored(name, 'monitoring.enabled is false in berth.yaml');
    const monitor = monitoring.monitor(name, version, model.current);
    const report = await monitor?.report(Date.now());
    if (!monitor || !report) throw errors.noReferenceProfile(name);
    await monitoring.publish(monitor, report);
    return report;
  };
  const routes: Route[] = ['/v2/models/:name/drift', '/v2/models/:name/versions/:version/drift'].map((url) => ({
    method: 'GET',
    url,
    summary: 'Drift of recent inputs and predictions against the reference profile, with live accuracy',
    tag: 'monitoring',
    response: driftResponse,
    errors: [404],
    handler: drift,
  }));
  routes.push({
    method: 'POST',
    url: '/v2/models/:name/feedback',
    summary: 'Report true values for earlier predictions (by request id, or by inputs) → live accuracy / MAE / RMSE',
    tag: 'monitoring',
    body: feedbackBody,
    errors: [400, 404, 413, 415],
    handler: async (request) => {
      const { name } = params(request);
      const model = dataplane.models.model(name);
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.notAnObject('request body');
      const { id, value, instances, values, ...rest } = body as Record<string, unknown>;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined)
        throw errors.badField(`\`${extra}\``, 'absent; send {"id", "value"} or {"instances", "values"}');
      if (id !== undefined) {
        if (instances !== undefined || values !== undefined)
          throw errors.ambiguousBody('"id" cannot be combined with "instances"/"values"');
        if (typeof id !== 'string' || id === '')
          throw errors.badField('`id`', 'the X-Request-Id of the prediction (a string)');
        if (value === undefined)
          throw errors.badField('`value`', 'the true value (an array when the request predicted several rows)');
        return monitoring.feedbackById(name, id, value, model.current);
      }
      if (!Array.isArray(values) || values.length === 0)
        throw errors.badField(
          '`values`',
          'a non-empty array of true values, one per instance (or send {"id", "value"})',
        );
      if (!Array.isArray(instances) || instances.length !== values.length)
        throw errors.badField('`instances`', `an array of ${values.length} rows, one per value`);
      const { version, response } = await dataplane.infer(name, undefined, feedbackCodec, instances, {
        ...request.context,
        origin: 'feedback',
      });
      return monitoring.feedbackByOutcome(name, version, response, values);
    },
  });
  return routes;
}

/** A model's typical row from the reference profile of the version answering requests (docs examples). */
export function typicalRows(
  monitoring: ModelMonitoring,
  dataplane: HttpContext['dataplane'],
): (name: string) => TypicalRow | undefined {
  return (name) => {
    if (!dataplane.models.has(name)) return undefined;
    const profile = monitoring.monitor(name, undefined, dataplane.models.model(name).current)?.reference?.profile;
    return profile ? typicalRow(profile) : undefined;
  };
}
