import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTrafficFile, parseTraffic, parseTrafficCsv } from '../../src/plan/traffic-pattern.js';

test('constant, diurnal and spiky patterns', () => {
  const constant = parseTraffic('constant:100');
  assert.equal(constant.rpsAt(12_345), 100);
  assert.equal(constant.peak, 100);

  const diurnal = parseTraffic('diurnal:peak=400,trough=40');
  assert.equal(diurnal.rpsAt(0), 40); // trough at the start
  assert.equal(Math.round(diurnal.rpsAt(43_200)), 400); // peak at half the default 24 h period
  assert.equal(Math.round(diurnal.rpsAt(21_600)), 220); // half-way
  assert.equal(diurnal.naturalDurationSeconds, 86_400);
  assert.equal(parseTraffic('diurnal:peak=10,trough=0,period=1h').naturalDurationSeconds, 3600);

  const spiky = parseTraffic('spiky:base=50,peak=500,every=1h,duration=5m');
  assert.equal(spiky.rpsAt(0), 50); // the first spike is at t = every
  assert.equal(spiky.rpsAt(3600), 500);
  assert.equal(spiky.rpsAt(3600 + 299), 500);
  assert.equal(spiky.rpsAt(3600 + 300), 50);
  assert.equal(spiky.rpsAt(7200 + 10), 500);
  assert.equal(spiky.peak, 500);
});

test('pattern mistakes say what is wrong and what is expected', () => {
  const cases: Array<[string, RegExp]> = [
    ['diurnal:peak=400', /`trough` is missing/],
    ['diurnal:peak=40,trough=400', /`trough` \(400\) is above `peak` \(40\)/],
    ['diurnal:peak=400,trough=40,period=soon', /must be a duration/],
    ['constant:lots', /`rps` must be a number of requests\/s ≥ 0, got `lots`/],
    ['constant:-5', /must be a number/],
    ['spiky:base=50,peak=500,every=1h', /`duration` is missing/],
    ['spiky:base=50,peak=500,every=5m,duration=1h', /must be shorter than `every`/],
    ['spiky:base=50,peak=500,every=1h,duration=5m,jitter=2', /unknown parameter `jitter`/],
    ['sawtooth:100', /unknown pattern `sawtooth`/],
    ['diurnal:peak', /`peak` is not key=value/],
  ];
  for (const [spec, message] of cases) {
    assert.throws(
      () => parseTraffic(spec),
      (error: Error & { code?: string }) => {
        assert.match(error.message, message, spec);
        assert.match(error.message, /use constant:RPS/);
        return error.code === 'BERTH_BAD_TRAFFIC' || error.code === 'BERTH_BAD_DURATION';
      },
    );
  }
});

test('CSV: one value per minute, optional header and minute column', () => {
  const plain = parseTrafficCsv('10\n20\n\n# comment\n30\n', 'day.csv');
  assert.equal(plain.rpsAt(0), 10);
  assert.equal(plain.rpsAt(59), 10);
  assert.equal(plain.rpsAt(60), 20);
  assert.equal(plain.rpsAt(179), 30);
  assert.equal(plain.rpsAt(10_000), 30); // holds the last value
  assert.equal(plain.naturalDurationSeconds, 180);
  assert.equal(plain.peak, 30);
  const withHeader = parseTrafficCsv('minute,rps\n0,5\n1,7\n', 'x.csv');
  assert.equal(withHeader.rpsAt(61), 7);
});

test('CSV mistakes name the file and line', () => {
  assert.throws(() => parseTrafficCsv('10\nabc\n', 'day.csv'), /day\.csv line 2: `abc` is not a number/);
  assert.throws(() => parseTrafficCsv('10\n-1\n', 'day.csv'), /day\.csv line 2: requests\/s cannot be negative/);
  assert.throws(() => parseTrafficCsv('0,1\n2,3\n', 'day.csv'), /line 2: minute 2 is out of order \(expected 1\)/);
  assert.throws(() => parseTrafficCsv('rps\n', 'empty.csv'), /empty\.csv line 2: the file has no values/);
});

test('files are told apart from patterns', () => {
  assert.equal(isTrafficFile('traffic.csv'), true);
  assert.equal(isTrafficFile('./data/day'), true);
  assert.equal(isTrafficFile('constant:100'), false);
});
