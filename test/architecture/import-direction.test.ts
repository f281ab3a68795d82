import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { areaOf, cycles, importEdges, sourceFiles } from './import-graph.js';

/**
 * The import direction CONTRIBUTING.md states ("Layers and import direction"), checked on every
 * file under src/: each area names the areas it may import; `types` are areas it may import
 * types from (`import type`), never values. An area missing from this table fails the test, so
 * a new top-level folder needs a decision here and in CONTRIBUTING.md.
 */
const layers: Record<string, { imports: string[]; types?: string[] }> = {
  core: { imports: [] },
  runtime: { imports: ['core'] },
  pipeline: { imports: ['core', 'runtime'] },
  observe: { imports: ['core'] },
  registry: { imports: ['core'], types: ['deploy', 'package', 'plan'] },
  package: { imports: ['core'], types: ['deploy', 'plan', 'registry'] },
  deploy: { imports: ['core'], types: ['package', 'plan', 'registry'] },
  plan: { imports: ['core'], types: ['deploy', 'package', 'registry'] },
  serving: { imports: ['core', 'runtime', 'pipeline', 'observe', 'registry'] },
  protocol: { imports: ['core', 'runtime', 'pipeline', 'observe', 'serving'] },
  http: { imports: ['core', 'observe', 'serving', 'protocol'] },
  grpc: { imports: ['core', 'observe', 'serving', 'protocol'] },
  import: { imports: ['core', 'runtime', 'pipeline', 'observe', 'registry', 'serving', 'protocol'] },
  profile: { imports: ['core', 'observe', 'registry', 'import'] },
  serve: { imports: ['core', 'runtime', 'pipeline', 'observe', 'registry', 'serving', 'protocol', 'http', 'grpc'] },
  cli: {
    imports: [
      'core',
      'runtime',
      'pipeline',
      'observe',
      'registry',
      'package',
      'deploy',
      'plan',
      'serving',
      'protocol',
      'http',
      'grpc',
      'import',
      'profile',
      'serve',
    ],
  },
};

const root = 'src';
const edges = importEdges(root);

describe('import direction', () => {
  it('knows every area under src/', () => {
    const unknown = [...new Set(sourceFiles(root).map(areaOf))].filter(
      (area) => !area.endsWith('.ts') && !(area in layers),
    );
    assert.deepEqual(unknown, [], 'add the area to the table here and to CONTRIBUTING.md');
  });

  it('has no import against the stated direction', () => {
    const against = edges.filter(({ from, to, typeOnly }) => {
      const [source, target] = [areaOf(from), areaOf(to)];
      if (source === target) return false;
      const rule = layers[source];
      return !rule || !(rule.imports.includes(target) || (typeOnly && rule.types?.includes(target)));
    });
    assert.deepEqual(
      against.map(({ from, to, typeOnly }) => `${from} → ${to}${typeOnly ? ' (type)' : ''}`),
      [],
    );
  });

  it('has no import cycle, type imports included', () => {
    assert.deepEqual(
      cycles(edges).map((cycle) => cycle.join(' ↔ ')),
      [],
    );
  });

  it('resolves every relative import to a file', () => {
    const files = new Set(sourceFiles(root));
    const dangling = edges.filter(({ to }) => !files.has(to) && !to.startsWith('http/dashboard/static/'));
    assert.deepEqual(
      dangling.map(({ from, to }) => `${from} → ${to}`),
      [],
    );
  });
});
