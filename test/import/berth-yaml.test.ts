import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { resolveConfig } from '../../src/core/config.js';
import { berthYamlText } from '../../src/import/berth-yaml.js';
import { parseTolerance } from '../../src/import/tolerance.js';

test('the berth.yaml an import writes uses only keys the server reads, and reads back as written', () => {
  const text = berthYamlText({
    name: 'churn',
    features: ['plan', 'monthly spend', 'a: b'],
    labels: ['stays', 'churns'],
    allowMissing: true,
    reference: 'reference.csv',
    header: ['Written by berth import from model.joblib.', 'Parity: parity.json.'],
  });
  assert.match(text, /^# Written by berth import from model\.joblib\.\n# Parity: parity\.json\.\n/);
  const file = parse(text) as Record<string, unknown>;
  const resolved = resolveConfig({ file, baseDir: '/models/churn' });
  assert.deepEqual(resolved.warnings, []);
  assert.deepEqual(resolved.model, {
    name: 'churn',
    features: ['plan', 'monthly spend', 'a: b'],
    labels: ['stays', 'churns'],
    allowMissing: true,
  });
  assert.equal(resolved.settings.monitoring.reference, '/models/churn/reference.csv');
});

test('a model with no names and no sample gets only its name', () => {
  assert.deepEqual(parse(berthYamlText({ name: 'ridge', allowMissing: false, header: [] })), {
    model: { name: 'ridge' },
  });
});

test('--tolerance overrides the defaults one key at a time and refuses what is not a tolerance', () => {
  assert.deepEqual(parseTolerance(['abs=1e-3', 'agreement=0.99,rel=0']), { abs: 1e-3, rel: 0, agreement: 0.99 });
  for (const bad of ['abs', 'abs=-1', 'agreement=2', 'speed=1', 'rel=x'])
    assert.throws(() => parseTolerance([bad]), /BERTH_IMPORT_BAD_TOLERANCE|expected abs=NUMBER/);
});
