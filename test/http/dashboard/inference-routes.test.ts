import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../src/core/config.js';
import { inferenceRoutePattern } from '../../../src/core/metric-names.js';
import { dashboardRoutes } from '../../../src/http/dashboard/routes.js';
import { healthRoutes } from '../../../src/http/routes-health.js';
import { monitoringRoutes } from '../../../src/http/routes-monitoring.js';
import { repositoryRoutes } from '../../../src/http/routes-repository.js';
import { seedRoutes } from '../../../src/http/routes-seed.js';
import { v1Routes } from '../../../src/http/routes-v1.js';
import { v2Routes } from '../../../src/http/routes-v2.js';
import type { HttpContext } from '../../../src/http/route.js';
import { loadStatic } from './support.js';

const { inferenceRoute } = await loadStatic('metric-names.js');

/**
 * The dashboard page and the generated Grafana dashboard/alerts count "traffic" as the requests
 * whose `route` label matches a pattern. Both patterns must pick exactly the routes that run a
 * model — not probes, /metrics, the dashboard's own polling, drift or feedback.
 */
test('the traffic route patterns match exactly the routes that run a model', () => {
  // Building the route tables touches nothing in the context; handlers are never called here.
  const context = { settings: resolveConfig({}).settings } as unknown as HttpContext;
  const routes = [
    ...healthRoutes(context),
    ...v2Routes(context),
    ...seedRoutes(context),
    ...v1Routes(context),
    ...dashboardRoutes(context),
    ...monitoringRoutes({} as never, context),
    ...repositoryRoutes({} as never),
  ];
  const expected = [
    '/predict',
    '/models/:name/predict',
    '/v1/models/:name(^[^:/]+)::predict',
    '/v2/models/:name/infer',
    '/v2/models/:name/versions/:version/infer',
  ];
  assert.deepEqual(
    routes
      .filter((route) => expected.includes(route.url))
      .map((route) => route.url)
      .sort(),
    [...expected].sort(),
    'the route table still has these urls',
  );
  const grafana = new RegExp(`^(?:${inferenceRoutePattern})$`); // PromQL regex matchers are anchored
  for (const route of routes) {
    const wanted = expected.includes(route.url);
    assert.equal(inferenceRoute.test(route.url), wanted, `dashboard page: ${route.url}`);
    assert.equal(grafana.test(route.url), wanted, `Grafana/alerts: ${route.url}`);
  }
});
