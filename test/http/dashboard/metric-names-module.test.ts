import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { metricNames } from '../../../src/core/metric-names.js';
import { staticDir } from '../../../src/http/dashboard/assets.js';
import { metricNamesModule } from '../../../src/http/dashboard/metric-names-module.js';
import { loadStatic } from './support.js';

test('static/metric-names.js is the one core/metric-names.ts generates (npm run generate)', async () => {
  assert.equal(
    await readFile(join(staticDir, 'metric-names.js'), 'utf8'),
    metricNamesModule(),
    'src/http/dashboard/static/metric-names.js is stale: run npm run generate',
  );
  assert.deepEqual({ ...(await loadStatic('metric-names.js')).metricNames }, metricNames);
});

test('no dashboard script spells a metric name itself', async () => {
  const names = Object.values(metricNames).filter((name) => name !== 'up');
  for (const file of ['app.js', 'live-metrics.js', 'metrics-math.js', 'models-view.js', 'quality-view.js', 'api.js']) {
    const code = (await readFile(join(staticDir, file), 'utf8')).replace(/\/\*\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const name of names)
      assert.ok(!code.includes(`'${name}`) && !code.includes(`"${name}`), `${file} spells ${name}`);
  }
});
