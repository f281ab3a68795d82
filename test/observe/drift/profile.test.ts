import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { errors } from '../../../src/core/errors.js';
import { profileFromCsv } from '../../../src/observe/drift/profile-csv.js';
import {
  buildProfile,
  inferKind,
  otherCategory,
  type CategoricalProfile,
  type NumericProfile,
} from '../../../src/observe/drift/profile.js';
import { normals } from './fixtures.js';

describe('buildProfile', () => {
  const xs = normals(2000, 10, 1);
  const rows = xs.map((x, i) => ({
    x,
    colour: ['red', 'green', 'blue'][i % 3],
    flag: i % 4 === 0 ? 1 : 0,
    gap: i % 10 === 0 ? null : x,
  }));
  const profile = buildProfile(rows, {
    features: ['x', 'colour', 'flag', 'gap'],
    predictions: rows.map((row) => (row.x > 10 ? 'high' : 'low')),
  });

  it('profiles numeric features: moments, quantile buckets, a bounded deterministic sample', () => {
    const x = profile.features[0] as NumericProfile;
    assert.equal(x.kind, 'numeric');
    assert.equal(x.count, 2000);
    assert.ok(Math.abs(x.mean! - 10) < 0.1 && Math.abs(x.std! - 1) < 0.1);
    assert.equal(x.cuts.length, 9);
    x.proportions.forEach((share) => assert.ok(Math.abs(share - 0.1) < 0.002));
    assert.equal(x.sample.length, 2000);
    assert.deepEqual(x.quantiles.levels[0], 0);
    assert.equal(x.quantiles.values[0], x.min);
    const small = buildProfile(rows, { features: ['x'], referenceSampleSize: 50 });
    assert.equal((small.features[0] as NumericProfile).sample.length, 50);
    assert.deepEqual(
      buildProfile(rows, { features: ['x'], referenceSampleSize: 50 }),
      small,
      'same data, same profile',
    );
  });

  it('profiles strings and few-valued integers as categorical, and counts missing values', () => {
    const colour = profile.features[1] as CategoricalProfile;
    assert.equal(colour.kind, 'categorical');
    assert.equal(colour.valueType, 'string');
    assert.deepEqual(colour.categories.map((c) => c.value).sort(), ['blue', 'green', 'red']);
    const flag = profile.features[2] as CategoricalProfile;
    assert.equal(flag.kind, 'categorical');
    assert.equal(flag.valueType, 'number');
    assert.deepEqual(flag.categories, [
      { value: '0', count: 1500 },
      { value: '1', count: 500 },
    ]);
    const gap = profile.features[3] as NumericProfile;
    assert.equal(gap.missing, 200);
    assert.equal(gap.missingRate, 0.1);
  });

  it('profiles the predictions and survives a JSON round trip', () => {
    assert.equal(profile.prediction?.kind, 'categorical');
    assert.deepEqual(JSON.parse(JSON.stringify(profile)), profile);
  });

  it('keeps the most frequent categories and counts the rest together', () => {
    const many = buildProfile(
      Array.from({ length: 100 }, (_, i) => [`c${i % 20}`]),
      { features: ['c'], maxCategories: 5 },
    );
    const c = many.features[0] as CategoricalProfile;
    assert.equal(c.categories.length, 5);
    assert.equal(c.otherCount, 75);
    assert.equal(c.distinct, 20);
    assert.equal(otherCategory, '__other__');
  });

  it('honours forced kinds and rejects what cannot be profiled', () => {
    assert.equal(buildProfile([[1], [2]], { features: ['a'], categorical: ['a'] }).features[0]!.kind, 'categorical');
    assert.equal(buildProfile([[1], [2]], { features: ['a'], numeric: ['a'] }).features[0]!.kind, 'numeric');
    assert.equal(inferKind([1.5, 2, 3], 10), 'numeric');
    assert.equal(inferKind(['1', '2', ''], 10), 'categorical');
    assert.throws(
      () => buildProfile([], { features: ['a'] }),
      (e: Error & { code?: string }) => e.code === errors.referenceEmpty.code,
    );
    assert.throws(
      () => buildProfile([[1]], { features: ['a'], predictions: [1, 2] }),
      (e: Error & { code?: string }) => e.code === errors.predictionCountMismatch.code,
    );
    assert.throws(
      () => buildProfile([[1]], { features: ['a'], bins: 1 }),
      (e: Error & { code?: string }) => e.code === errors.badMonitoringSetting.code,
    );
  });
});

describe('profileFromCsv', () => {
  it('profiles the feature columns of a CSV file and its prediction column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-profile-'));
    try {
      const lines = ['sepal_length,species,label'];
      normals(300, 5.8, 2).forEach((x, i) =>
        lines.push(`${x.toFixed(2)},${i % 2 ? 'setosa' : '"virginica"'},${i % 3}`),
      );
      lines.push(',setosa,0');
      await writeFile(join(dir, 'iris.csv'), lines.join('\n'));
      const profile = await profileFromCsv(join(dir, 'iris.csv'), { predictionColumn: 'label' });
      assert.deepEqual(
        profile.features.map((f) => [f.name, f.kind]),
        [
          ['sepal_length', 'numeric'],
          ['species', 'categorical'],
        ],
      );
      assert.equal(profile.rows, 301);
      assert.equal(profile.features[0]!.missing, 1);
      assert.deepEqual((profile.prediction as CategoricalProfile).categories.map((c) => c.value).sort(), [
        '0',
        '1',
        '2',
      ]);
      await assert.rejects(
        profileFromCsv(join(dir, 'iris.csv'), { features: ['petal_width'] }),
        /no column `petal_width`/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
