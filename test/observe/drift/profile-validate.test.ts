import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '../../../src/core/errors.js';
import { buildProfile } from '../../../src/observe/drift/profile.js';
import { parseProfile } from '../../../src/observe/drift/profile-validate.js';

const profile = buildProfile(
  [
    [1.5, 'a'],
    [2.5, 'b'],
    [3.5, 'a'],
  ],
  { features: ['x', 'c'], predictions: [0, 1, 0] },
);
const damaged = (edit: (copy: any) => void) => {
  const copy = JSON.parse(JSON.stringify(profile));
  edit(copy);
  return copy;
};
const rejects = (value: unknown, where: RegExp) =>
  assert.throws(
    () => parseProfile(value),
    (error: Error & { code?: string }) => error.code === errors.badProfile.code && where.test(error.message),
  );

describe('parseProfile', () => {
  it('accepts what buildProfile writes, after a JSON round trip', () => {
    assert.deepEqual(parseProfile(JSON.parse(JSON.stringify(profile))), profile);
  });

  it('says where a damaged profile is wrong', () => {
    rejects(null, /^reference profile profile: must be an object/);
    rejects(
      damaged((p) => {
        p.format = 'v0';
      }),
      /profile\.format/,
    );
    rejects(
      damaged((p) => {
        p.features[0].cuts = [2, 1];
      }),
      /features\[0\]\.cuts: must be strictly increasing/,
    );
    rejects(
      damaged((p) => {
        p.features[0].proportions.pop();
      }),
      /features\[0\]\.proportions: needs/,
    );
    rejects(
      damaged((p) => {
        p.features[1].categories[0].count = -1;
      }),
      /features\[1\]\.categories\[0\]\.count/,
    );
    rejects(
      damaged((p) => {
        p.features[1].name = 'x';
      }),
      /appears twice/,
    );
    rejects(
      damaged((p) => {
        p.prediction.kind = 'image';
      }),
      /prediction\.kind/,
    );
  });
});
