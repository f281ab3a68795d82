import type { ReferenceProfile } from '../observe/drift/profile.js';
import type { ProfileResult } from './profile-data.js';

/** `berth profile`'s report: one line per feature, and where the profile was written. */
export function formatProfile(result: ProfileResult): string {
  const { profile } = result;
  const lines = [
    `reference profile of ${result.source}: ${profile.rows} rows${result.model ? `, model ${result.model.name}@${result.model.version}` : ''}`,
  ];
  const describe = (feature: ReferenceProfile['features'][number]) => {
    const missing = feature.missing > 0 ? `, ${(feature.missingRate * 100).toFixed(1)}% missing` : '';
    if (feature.kind === 'numeric')
      return `  ${feature.name.padEnd(24)} numeric      mean ${round(feature.mean)}, sd ${round(feature.std)}, range ${round(feature.min)} … ${round(feature.max)}${missing}`;
    const top = feature.categories
      .slice(0, 4)
      .map((category) => `${category.value} ${((category.count / Math.max(1, feature.count)) * 100).toFixed(0)}%`)
      .join(', ');
    return `  ${feature.name.padEnd(24)} categorical  ${feature.distinct} values: ${top}${feature.categories.length > 4 ? ', …' : ''}${missing}`;
  };
  lines.push(...profile.features.map(describe));
  if (profile.prediction) lines.push(describe({ ...profile.prediction, name: 'prediction (model)' }));
  lines.push(
    result.out
      ? `written to ${result.out}; serve with berth.yaml monitoring.reference: ${result.out}`
      : 'pass --out profile.json to write it (or --json to print it)',
  );
  return lines.join('\n');
}

function round(value: number | null): string {
  return value === null ? '–' : String(Number(value.toPrecision(4)));
}
