import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { resolveConfig } from '../../../src/core/config.js';
import { berthYamlJsonSchema, configurationPage } from '../../../src/core/config/reference-page.js';
import { settingEntries } from '../../../src/core/config/schema.js';

const docs = new URL('../../../docs/', import.meta.url);

test('docs/configuration.md and docs/berth.schema.json are the ones the schema generates (npm run docs:config)', async () => {
  assert.equal(
    await readFile(new URL('configuration.md', docs), 'utf8'),
    configurationPage(),
    'docs/configuration.md is stale: run npm run docs:config',
  );
  assert.equal(
    await readFile(new URL('berth.schema.json', docs), 'utf8'),
    `${JSON.stringify(berthYamlJsonSchema(), null, 2)}\n`,
    'docs/berth.schema.json is stale: run npm run docs:config',
  );
});

test('the page lists every setting with its flag and variable', () => {
  const page = configurationPage();
  for (const entry of settingEntries) {
    assert.ok(page.includes(`| \`${entry.yamlPath}\` |`), entry.yamlPath);
    if (entry.flag) assert.ok(page.includes(`\`${entry.flag}\``), entry.flag);
    if (entry.env) assert.ok(page.includes(`\`${entry.env}\``), entry.env);
  }
});

test('the JSON Schema accepts what berth accepts and refuses a misspelt key', async () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(berthYamlJsonSchema());
  const files = [
    'examples/iris',
    'test/fixtures/models/sk-forest-int',
    'test/fixtures/models/xgb-classifier',
    'test/fixtures/models/sk-tree-strings',
  ].map((dir) => `${dir}/berth.yaml`);
  for (const path of files) {
    const file = parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    resolveConfig({ file });
    assert.ok(validate(file), `${path}: ${JSON.stringify(validate.errors)}`);
  }
  const full = {
    server: { port: 9000, workers: 'auto' },
    monitoring: { payloadLog: { dir: 'logs', sink: { url: 'http://collector/', mode: 'structured' } } },
    deploy: { autoscaling: { minReplicas: 2 }, resources: { limits: { memory: '1Gi' } } },
    traffic: { iris: { canary: { version: 3, percent: 10 } } },
  };
  resolveConfig({ file: full });
  assert.ok(validate(full), JSON.stringify(validate.errors));
  for (const wrong of [
    { server: { prot: 9000 } },
    { monitoring: { payloadLog: { sinkUrl: 'http://x/' } } },
    { deploy: { autoscaling: { minReplicas: 0 } } },
  ]) {
    assert.throws(() => resolveConfig({ file: wrong }));
    assert.equal(validate(wrong), false, JSON.stringify(wrong));
  }
});
