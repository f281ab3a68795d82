import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { RunningServer } from '../../src/serve/start-server.js';
import { startTestServer } from '../helpers/server.js';
import { requireProgram } from '../helpers/system-program.js';

/**
 * The dashboard page in a real headless Chromium (Debian's package; playwright-core drives it over
 * CDP, no browser download) while real traffic flows through a real Berth with the iris example's
 * reference profile: the charts fill with live data, drift rises when the inputs shift, live
 * accuracy appears after feedback, and a screenshot is kept in test-artifacts/dashboard.png.
 */
const chromiumPath = '/usr/bin/chromium';
const screenshot = 'test-artifacts/dashboard.png';
const example = 'examples/iris';

async function launch(t: TestContext): Promise<{ context: BrowserContext; close: () => Promise<void> } | undefined> {
  if (!(await requireProgram(t, chromiumPath, 'chromium'))) return undefined;
  const profile = await mkdtemp(join(tmpdir(), 'berth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    timeout: 90_000, // a first start on a cold page cache, beside the other test files
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Console errors, uncaught exceptions and CSP violations the page produced. */
async function watchPage(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (directive: string) => problems.push(`CSP violation: ${directive}`));
  // A string: this project's TypeScript has no DOM types. Injected by the browser before the
  // page's own scripts, so the page's CSP does not apply to it.
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (event) => window.reportCspViolation(event.violatedDirective + ' ' + event.blockedURI))",
  );
  return problems;
}

type Row = { values: number[]; species: string };

/** Requests from the reference rows (shifted petal_length when `shift` says so), with feedback for half of them. */
function driveTraffic(server: RunningServer, rows: Row[], shift: { petalLength: number }) {
  const base = server.url.replace('0.0.0.0', '127.0.0.1');
  let running = true;
  let sent = 0;
  let failed = 0;
  const worker = async () => {
    while (running) {
      const row = rows[Math.floor(Math.random() * rows.length)]!;
      const [sepalLength, sepalWidth, petalLength, petalWidth] = row.values;
      const body = {
        sepal_length: sepalLength,
        sepal_width: sepalWidth,
        petal_length: petalLength! + shift.petalLength,
        petal_width: petalWidth,
      };
      try {
        const response = await fetch(`${base}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await response.arrayBuffer();
        sent++;
        if (!response.ok) failed++;
        const id = response.headers.get('x-request-id');
        if (id && Math.random() < 0.5) {
          const feedback = await fetch(`${base}/v2/models/iris/feedback`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id, value: row.species }),
          });
          await feedback.arrayBuffer();
        }
      } catch {
        failed++;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return { sent, failed };
    },
  };
}

async function referenceRows(): Promise<Row[]> {
  const [, ...lines] = (await readFile(join(example, 'reference.csv'), 'utf8')).trim().split('\n');
  return lines.map((line) => {
    const cells = line.split(',');
    return { values: cells.slice(0, 4).map(Number), species: cells[4]! };
  });
}

/**
 * A data-* attribute of a chart's series path, as a number (NaN while absent). Read from Node:
 * the page's CSP rightly refuses string evaluation, and this project's TypeScript has no DOM types.
 */
async function attribute(
  page: Page,
  chart: string,
  series: string,
  name: 'data-points' | 'data-last',
): Promise<number> {
  const path = page.locator(`svg[data-chart="${chart}"] path[data-series="${series}"]`);
  return (await path.count()) === 0 ? NaN : Number(await path.first().getAttribute(name));
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The chart's series as the page drew them (data-* attributes on each SVG path). */
function chartSeries(page: Page, chart: string) {
  return page.$$eval(`svg[data-chart="${chart}"] path[data-series]`, (paths) =>
    paths.map((path) => ({
      name: path.getAttribute('data-series')!,
      points: Number(path.getAttribute('data-points')),
      last: Number(path.getAttribute('data-last')),
    })),
  );
}

test('the dashboard shows live traffic, drift rising and live accuracy', { timeout: 240_000 }, async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await startTestServer(example);
  const shift = { petalLength: 0 };
  const traffic = driveTraffic(server, await referenceRows(), shift);
  try {
    const page = await browser.context.newPage();
    const problems = await watchPage(page);
    const response = await page.goto(`${server.url.replace('0.0.0.0', '127.0.0.1')}/`, { timeout: 15_000 });
    assert.equal(response?.status(), 200);
    assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'self'/);

    // Live traffic: the request-rate series has several points and a non-zero rate.
    await until(
      'the request-rate chart to show live traffic',
      async () =>
        (await attribute(page, 'requests', 'iris', 'data-points')) > 1 &&
        (await attribute(page, 'requests', 'iris', 'data-last')) > 0,
      20_000,
    );
    const requests = await chartSeries(page, 'requests');
    assert.ok(requests[0]!.last > 1, `request rate ${requests[0]!.last}/s`);
    const latency = await chartSeries(page, 'latency');
    assert.deepEqual(
      latency.map((entry) => entry.name),
      ['p50', 'p95', 'p99'],
    );
    assert.ok(
      latency.every((entry) => entry.points > 0 && entry.last > 0),
      JSON.stringify(latency),
    );
    assert.ok((await chartSeries(page, 'predictions'))[0]!.last > 0);

    // The model with its version and signature.
    const model = page.locator('#models [data-model="iris"]');
    await model.waitFor({ timeout: 10_000 });
    assert.match(await model.innerText(), /v1[\s\S]*float_input[\s\S]*FP32[\s\S]*output_label/);

    // Drift table: every feature of the reference profile, and the predictions.
    await page.waitForSelector('#quality table.drift-table tbody tr[data-feature="petal_width"]', { timeout: 20_000 });
    const features = await page.$$eval('#quality table.drift-table tbody tr', (rows) =>
      rows.map((row) => row.getAttribute('data-feature')),
    );
    assert.deepEqual(features, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'prediction']);

    // Live accuracy from the feedback the traffic posts.
    await until(
      'live accuracy to be charted',
      async () => (await attribute(page, 'accuracy-iris', 'accuracy', 'data-points')) > 0,
      20_000,
    );
    const accuracy = (await chartSeries(page, 'accuracy-iris'))[0]!;
    assert.ok(accuracy.last > 0.8 && accuracy.last <= 1, `accuracy ${accuracy.last} on unshifted traffic`);

    // Shift petal_length by 3 cm: the dashboard flags it and its PSI crosses the threshold.
    shift.petalLength = 3;
    await page.waitForSelector('#quality tr.drifted[data-feature="petal_length"]', { timeout: 40_000 });
    // The table and the chart refresh from separate polls, so the chart may draw its next point a moment later.
    const charted = async () =>
      (await attribute(page, 'drift-iris', 'petal_length', 'data-points')) > 1 &&
      (await attribute(page, 'drift-iris', 'petal_length', 'data-last')) > 0.2;
    await until('the drift chart to show petal_length PSI over 0.2', charted, 15_000);
    // Shifted rows are mostly predicted wrong: let the accuracy chart show the drop (not asserted: feedback lags).
    await until(
      'accuracy to drop',
      async () => (await attribute(page, 'accuracy-iris', 'accuracy', 'data-last')) < 0.95,
      15_000,
    ).catch(() => undefined);

    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.deepEqual(problems, []);
    const { sent, failed } = await traffic.stop();
    assert.ok(sent > 100 && failed === 0, `${sent} requests, ${failed} failed`);
  } finally {
    await traffic.stop();
    await browser.close();
    await server.shutdown('test done');
  }
});

test('with an API key the page asks for it and then shows the models', { timeout: 150_000 }, async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await startTestServer(example, { 'server.apiKey': 'dashboard-secret' });
  try {
    const page = await browser.context.newPage();
    const problems = await watchPage(page);
    const base = server.url.replace('0.0.0.0', '127.0.0.1');
    const response = await page.goto(`${base}/`, { timeout: 15_000 });
    assert.equal(response?.status(), 200, 'the page itself is open: it holds no data');
    await page.locator('#key-form').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await page.locator('#models [data-model="iris"]').count(), 0, 'no model data without the key');
    // /metrics stays open (like for Prometheus), so traffic charts work before the key is given.
    await page.fill('#key-input', 'dashboard-secret');
    await page.click('#key-form button[type="submit"]');
    await page.locator('#models [data-model="iris"]').waitFor({ timeout: 15_000 });
    await page.waitForSelector('#quality [data-model="iris"] table.drift-table', { timeout: 15_000 });
    assert.equal(await page.locator('#key-form').isVisible(), false);
    // The key is sent as a Bearer header, never put in the URL.
    assert.doesNotMatch(page.url(), /dashboard-secret/);
    assert.deepEqual(
      problems.filter((problem) => !/401/.test(problem)),
      [],
    );
  } finally {
    await browser.close();
    await server.shutdown('test done');
  }
});

test('a model without a reference profile says so instead of drift charts', { timeout: 60_000 }, async (t) => {
  const browser = await launch(t);
  if (!browser) return;
  const server = await startTestServer('test/fixtures/models/sk-forest-int');
  try {
    const page = await browser.context.newPage();
    const problems = await watchPage(page);
    await page.goto(`${server.url.replace('0.0.0.0', '127.0.0.1')}/`, { timeout: 15_000 });
    const card = page.locator('#quality [data-model="sk-forest-int"]');
    await card.locator('.pill', { hasText: 'no drift data' }).waitFor({ timeout: 20_000 });
    assert.match(await card.innerText(), /no reference profile/);
    assert.equal(await card.locator('table.drift-table').count(), 0);
    // The 404s from …/drift are expected answers, not page errors.
    assert.deepEqual(
      problems.filter((problem) => !/404/.test(problem)),
      [],
    );
  } finally {
    await browser.close();
    await server.shutdown('test done');
  }
});
