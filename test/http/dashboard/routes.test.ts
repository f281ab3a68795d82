import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { defaults } from '../../../src/core/defaults.js';
import { staticDir } from '../../../src/http/dashboard/assets.js';
import { contentSecurityPolicy } from '../../../src/http/dashboard/routes.js';
import type { RunningServer } from '../../../src/serve/start-server.js';
import { get, startTestServer } from '../../helpers/server.js';

const example = 'examples/iris';
let open: RunningServer;
let keyed: RunningServer;

before(async () => {
  open = await startTestServer(example);
  keyed = await startTestServer(example, { 'server.apiKey': 'k3y' });
});
after(async () => {
  await open.shutdown('done');
  await keyed.shutdown('done');
});

/** What a browser sends when it opens the page. */
const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

test('GET / is the dashboard page for a browser, under a strict Content-Security-Policy', async () => {
  const page = await get(open, '/', browser);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-type']), /^text\/html; charset=utf-8/);
  assert.equal(page.headers['content-security-policy'], contentSecurityPolicy);
  for (const directive of [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
  ])
    assert.ok(contentSecurityPolicy.includes(directive), directive);
  assert.doesNotMatch(contentSecurityPolicy, /unsafe-inline|unsafe-eval|https?:/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  const html = page.raw;
  // Nothing the policy would block: no inline script, style or event handler, nothing off-site.
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  assert.match(html, /<script type="module" src="\/dashboard\/app\.js\?v=[^"]+"><\/script>/);
  assert.match(html, new RegExp(`data-metrics-poll-ms="${defaults.dashboard.metricsPollMs}"`));
  assert.match(html, new RegExp(`data-history-seconds="${defaults.dashboard.historySeconds}"`));
});

test('GET / answers an API client (no Accept, */*, JSON) with KServe v1 liveness JSON', async () => {
  for (const headers of [
    {} as Record<string, string>,
    { accept: '*/*' },
    { accept: 'application/json' },
    { accept: 'text/html;q=0, */*' },
  ]) {
    const reply = await get(open, '/', headers);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.deepEqual(reply.body, { status: 'alive' });
    assert.equal(reply.headers.vary, 'accept');
  }
});

test('every asset the page and its modules reference is served with its type', async () => {
  const html = (await get(open, '/', browser)).raw as string;
  const referenced = new Set([...html.matchAll(/"\/dashboard\/([\w.-]+)(\?[^"]*)?"/g)].map((match) => match[1]!));
  // ES module imports between the scripts: import … from './x.js'.
  const files = await readdir(staticDir);
  for (const file of files.filter((name) => name.endsWith('.js'))) {
    const source = (await get(open, `/dashboard/${file}`)).raw as string;
    for (const [, imported] of source.matchAll(/from '\.\/([\w.-]+)'/g)) referenced.add(imported!);
  }
  assert.ok(referenced.has('app.js') && referenced.has('style.css') && referenced.has('line-chart.js'));
  const types: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, svg: /^image\/svg\+xml/ };
  for (const file of referenced) {
    assert.ok(files.includes(file), `${file} is referenced but not in ${staticDir}`);
    const asset = await get(open, `/dashboard/${file}`);
    assert.equal(asset.status, 200, file);
    assert.match(String(asset.headers['content-type']), types[file.split('.').pop()!]!, file);
    assert.equal(asset.headers['content-security-policy'], contentSecurityPolicy);
  }
});

test('only the asset files themselves can be fetched', async () => {
  for (const path of [
    '/dashboard/nope.js',
    '/dashboard/..%2Froutes.ts',
    '/dashboard/%2e%2e%2fassets.ts',
    '/dashboard/',
    '/dashboard/tsconfig.json',
  ]) {
    const response = await get(open, path);
    assert.equal(response.status, 404, path);
    assert.equal(typeof response.body.error, 'string', path);
  }
});

test('with an API key the page and assets stay open; the data behind them does not', async () => {
  assert.equal((await get(keyed, '/', browser)).status, 200);
  assert.equal((await get(keyed, '/dashboard/app.js')).status, 200);
  assert.equal((await get(keyed, '/metrics')).status, 200);
  assert.equal((await get(keyed, '/v1/models')).status, 401);
  assert.equal((await get(keyed, '/v2/models/iris')).status, 401);
  assert.equal((await get(keyed, '/v2/models/iris/drift')).status, 401);
  assert.equal((await get(keyed, '/v2/models/iris', { authorization: 'Bearer k3y' })).status, 200);
});

test('the dashboard routes are documented in /openapi.json under monitoring', async () => {
  const document = (await get(open, '/openapi.json')).body;
  assert.deepEqual(document.paths['/'].get.tags, ['monitoring']);
  assert.deepEqual(document.paths['/dashboard/{file}'].get.tags, ['monitoring']);
  assert.deepEqual(
    document.paths['/dashboard/{file}'].get.parameters.map((parameter: { name: string }) => parameter.name),
    ['file'],
  );
});
