/**
 * Checks a stored reference profile (JSON from the registry, or hand-edited) before a detector
 * uses it, so a damaged file fails at load with a message that says where — not later, inside a
 * report, as an internal error.
 */
import { errors } from '../../core/errors.js';
import { profileFormat, type FeatureProfile, type ReferenceProfile } from './profile.js';

type Json = Record<string, unknown>;

export function parseProfile(value: unknown, where = 'profile'): ReferenceProfile {
  const profile = object(value, where);
  if (profile.format !== profileFormat)
    fail(`${where}.format`, `must be "${profileFormat}", got ${JSON.stringify(profile.format)}`);
  count(profile.rows, `${where}.rows`);
  object(profile.settings, `${where}.settings`);
  if (!Array.isArray(profile.features)) fail(`${where}.features`, 'must be an array');
  const names = new Set<string>();
  (profile.features as unknown[]).forEach((feature, i) => {
    const checked = checkFeature(feature, `${where}.features[${i}]`);
    if (names.has(checked.name)) fail(`${where}.features[${i}].name`, `\`${checked.name}\` appears twice`);
    names.add(checked.name);
  });
  if (profile.prediction !== null && profile.prediction !== undefined)
    checkFeature(profile.prediction, `${where}.prediction`);
  return {
    ...(profile as unknown as ReferenceProfile),
    prediction: (profile.prediction as FeatureProfile | undefined) ?? null,
  };
}

function checkFeature(value: unknown, where: string): FeatureProfile {
  const feature = object(value, where);
  if (typeof feature.name !== 'string' || feature.name === '') fail(`${where}.name`, 'must be a non-empty string');
  count(feature.count, `${where}.count`);
  count(feature.missing, `${where}.missing`);
  if (feature.kind === 'numeric') {
    const cuts = numbers(feature.cuts, `${where}.cuts`);
    for (let i = 1; i < cuts.length; i++)
      if (!(cuts[i]! > cuts[i - 1]!)) fail(`${where}.cuts`, 'must be strictly increasing');
    const shares = numbers(feature.proportions, `${where}.proportions`);
    if ((feature.count as number) > 0 && shares.length !== cuts.length + 1)
      fail(`${where}.proportions`, `needs ${cuts.length + 1} entries (one more than cuts), has ${shares.length}`);
    numbers(feature.sample, `${where}.sample`);
  } else if (feature.kind === 'categorical') {
    if (!Array.isArray(feature.categories)) fail(`${where}.categories`, 'must be an array');
    (feature.categories as unknown[]).forEach((entry, i) => {
      const category = object(entry, `${where}.categories[${i}]`);
      if (typeof category.value !== 'string') fail(`${where}.categories[${i}].value`, 'must be a string');
      count(category.count, `${where}.categories[${i}].count`);
    });
    count(feature.otherCount, `${where}.otherCount`);
    if (feature.valueType !== 'number' && feature.valueType !== 'string')
      fail(`${where}.valueType`, 'must be "number" or "string"');
  } else {
    fail(`${where}.kind`, 'must be "numeric" or "categorical"');
  }
  return feature as unknown as FeatureProfile;
}

function object(value: unknown, where: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(where, 'must be an object');
  return value as Json;
}

function count(value: unknown, where: string): void {
  if (!Number.isInteger(value) || (value as number) < 0) fail(where, 'must be a non-negative integer');
}

function numbers(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number' && Number.isFinite(item)))
    fail(where, 'must be an array of finite numbers');
  return value as number[];
}

function fail(where: string, detail: string): never {
  throw errors.badProfile(where, detail);
}
