import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { writeManifests } from '../../src/deploy/write-manifests.js';
import { renderManifests, renderStream, toYaml } from '../../src/deploy/yaml-writer.js';
import { generate } from './support/fixtures.js';

test('strings that YAML 1.1 would read as booleans or numbers stay quoted', () => {
  const text = toYaml({ a: 'on', b: 'yes', c: '8000', d: 'true', e: 8000, f: 'http' });
  assert.deepEqual(parse(text, { version: '1.1' }), { a: 'on', b: 'yes', c: '8000', d: 'true', e: 8000, f: 'http' });
  assert.match(text, /a: "on"/);
});

test('one file per object plus a kustomization listing them, written to disk', async () => {
  const set = generate({ networkPolicy: true });
  const rendered = renderManifests(set.files);
  assert.deepEqual(
    rendered.map((file) => file.file),
    ['service.yaml', 'deployment.yaml', 'hpa.yaml', 'pdb.yaml', 'networkpolicy.yaml', 'kustomization.yaml'],
  );
  const kustomization = parse(rendered.at(-1)!.text);
  assert.deepEqual(kustomization, {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['service.yaml', 'deployment.yaml', 'hpa.yaml', 'pdb.yaml', 'networkpolicy.yaml'],
  });
  const dir = await mkdtemp(join(tmpdir(), 'berth-manifests-'));
  const written = await writeManifests(join(dir, 'k8s'), rendered);
  assert.equal(written.length, 6);
  assert.deepEqual((await readdir(join(dir, 'k8s'))).sort(), rendered.map((file) => file.file).sort());
  assert.equal(parse(await readFile(join(dir, 'k8s', 'deployment.yaml'), 'utf8')).kind, 'Deployment');
});

test('the stream form has one document per object', () => {
  const set = generate();
  const documents = parseAllDocuments(renderStream(set.files));
  assert.deepEqual(
    documents.map((document) => (document.toJS() as { kind: string }).kind),
    ['Service', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'],
  );
});
