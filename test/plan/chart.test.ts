import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceCeiling, renderPlanChart } from '../../src/plan/chart.js';
import { simulateHpa } from '../../src/plan/hpa-simulator.js';
import { hpaSpec } from '../../src/plan/hpa-spec.js';
import { parseTraffic } from '../../src/plan/traffic-pattern.js';
import { checkXml } from './xml-check.js';

function chartFor(spec: string, title: string) {
  const traffic = parseTraffic(spec);
  const sim = simulateHpa({ traffic: traffic.rpsAt, durationSeconds: 6 * 3600, capacityPerPod: 40, hpa: hpaSpec() });
  const svg = renderPlanChart({
    title,
    subtitle: traffic.description,
    stepSeconds: sim.stepSeconds,
    offered: sim.offered,
    capacity: Float64Array.from(sim.ready, (ready) => ready * 40),
    replicas: sim.replicas,
    atRisk: sim.atRisk,
  });
  return { svg, sim };
}

test('plan.svg is well-formed SVG with the three series, axes and a legend', () => {
  const { svg } = chartFor('diurnal:peak=300,trough=20,period=6h', 'HPA <2–10> & "seed"');
  const elements = checkXml(svg);
  const root = elements[0]!;
  assert.equal(root.name, 'svg');
  assert.equal(root.attributes.xmlns, 'http://www.w3.org/2000/svg');
  const ids = new Set(elements.map((e) => e.attributes.id).filter(Boolean));
  for (const id of ['offered', 'capacity', 'replicas', 'axes', 'legend', 'at-risk']) assert.ok(ids.has(id), id);
  for (const id of ['offered', 'capacity', 'replicas']) {
    const path = elements.find((e) => e.attributes.id === id)!;
    assert.match(path.attributes.d!, /^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/);
  }
  const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
  assert.ok(texts.includes('requests/s') && texts.includes('replicas'));
  assert.ok(texts.includes('00:00') && texts.includes('06:00'), texts.join('|'));
  assert.ok(texts.some((t) => t.includes('offered load')));
  // The title was escaped, not injected.
  assert.equal(elements.find((e) => e.name === 'title')!.text, 'HPA &lt;2–10&gt; &amp; &quot;seed&quot;');
});

test('minutes at risk are shaded; none when there is no risk', () => {
  const risky = chartFor('spiky:base=20,peak=380,every=2h,duration=10m', 'spiky');
  assert.ok(risky.sim.summary.minutesAtRisk > 0);
  assert.ok(checkXml(risky.svg).filter((e) => e.attributes.class === 'risk').length >= 2);
  const calm = chartFor('constant:50', 'calm');
  assert.equal(checkXml(calm.svg).filter((e) => e.attributes.class === 'risk').length, 0);
});

test('the checker itself rejects broken XML', () => {
  assert.throws(() => checkXml('<svg><g></svg>'), /closes/);
  assert.throws(() => checkXml('<svg a="1" a="2"/>'), /duplicate/);
  assert.throws(() => checkXml('<svg>a & b</svg>'), /bad entity/);
  assert.throws(() => checkXml('<svg a=1/>'), /bad attribute/);
});

test('axis maxima are round numbers', () => {
  assert.deepEqual([0, 7, 10, 11, 240, 401].map(niceCeiling), [1, 10, 10, 20, 250, 500]);
});
