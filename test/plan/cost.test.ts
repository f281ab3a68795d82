import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPrices, fixedPodsCost, hpaCost, podsForPeak, singleVmCost, vmsForPeak } from '../../src/plan/cost.js';
import { parsePrices } from '../../src/plan/prices.js';

// The published cost comparison this model reproduces (100 req/s, AWS June 2026):
// | Item            | Docker (Single VM) | Kubernetes (3 pods) | Kubernetes (HPA, 2-10 pods) |
// | VM/Cluster Cost | US$ 150 (t3.medium)| US$ 72 (EKS control)| US$ 72 (EKS control)        |
// | Compute Cost    | Included           | US$ 216 (3 pods)    | US$ 144-432 (avg 6 pods)    |
// | Storage Cost    | US$ 10             | US$ 30 (registry)   | US$ 30 (registry)           |
// | Total Cost      | US$ 160            | US$ 318             | US$ 246-534                 |
const monthly = (option: { rows: Array<{ monthly: number }> }) => option.rows.map((row) => row.monthly);

test('the default catalogue is the published AWS table of June 2026', () => {
  assert.equal(defaultPrices.hoursPerMonth, 720);
  assert.equal(defaultPrices.pod.hourly, 0.1);
  assert.equal(defaultPrices.controlPlane.monthly, 72);
  assert.equal(defaultPrices.vm.monthly, 150);
  assert.match(defaultPrices.source, /AWS Pricing Calculator, June 2026/);
});

test('Kubernetes (3 pods): 3 × US$0.10 × 720 h = US$216, + 72 + 30 = US$318', () => {
  const option = fixedPodsCost(3, defaultPrices);
  assert.deepEqual(monthly(option), [72, 216, 30]);
  assert.equal(option.total, 318);
});

test('Docker (single VM): US$150 + US$10 = US$160, compute included', () => {
  // 100 req/s at 40 req/s per 500m pod: a 2-vCPU t3.medium holds 4 pods' worth = 160 req/s → 1 VM.
  const option = singleVmCost(100, 40, defaultPrices);
  assert.deepEqual(monthly(option), [150, 0, 10]);
  assert.equal(option.total, 160);
  assert.deepEqual(vmsForPeak(400, 40, defaultPrices), { vms: 3, capacityPerVm: 160 });
});

test('Kubernetes (HPA, 2-10 pods): avg 6 pods = US$432 compute, US$534 total; 2 pods = US$246', () => {
  const six = hpaCost(6, 2, 10, defaultPrices);
  assert.deepEqual(monthly(six), [72, 432, 30]);
  assert.equal(six.total, 534);
  assert.equal(hpaCost(2, 2, 10, defaultPrices).total, 246);
  assert.equal(hpaCost(6, 2, 6, defaultPrices).range!.low, 246); // the table's "US$ 246-534"
  assert.equal(hpaCost(6, 2, 6, defaultPrices).range!.high, 534);
});

test('fixed pods are chosen to meet the peak', () => {
  assert.equal(podsForPeak(100, 40), 3);
  assert.equal(podsForPeak(120, 40), 3);
  assert.equal(podsForPeak(121, 40), 4);
  assert.equal(podsForPeak(0, 40), 1);
});

test('a prices file replaces parts of the catalogue and rejects typos', () => {
  const prices = parsePrices('currency: EUR\npod: { hourly: 0.08 }\n', 'prices.yaml');
  assert.equal(prices.currency, 'EUR');
  assert.equal(prices.pod.hourly, 0.08);
  assert.equal(prices.pod.cpu, 0.5);
  assert.equal(prices.controlPlane.monthly, 72);
  assert.match(prices.source, /^prices\.yaml/);
  assert.equal(fixedPodsCost(3, prices).rows[1].monthly, 172.8);
  assert.throws(
    () => parsePrices('pod: { hourlyy: 1 }', 'p.yaml'),
    /p\.yaml: `pod\.hourlyy` is not a price setting; known: hourly, cpu/,
  );
  assert.throws(
    () => parsePrices('pod: { hourly: cheap }', 'p.yaml'),
    /`pod\.hourly` must be a number ≥ 0, got "cheap"/,
  );
  assert.throws(() => parsePrices('vm: [1, 2]', 'p.yaml'), /`vm` must be a mapping/);
  assert.throws(() => parsePrices('a: [', 'p.yaml'), /is not valid YAML/);
});
