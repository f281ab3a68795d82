import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import semver from 'semver';

/**
 * Berth runs on Node 20 (and on the image's newer LTS). Many current packages require Node 22;
 * this guards the lock file: no production dependency may declare an engine that excludes 20.
 */
describe('dependency engines', () => {
  it('every production dependency supports Node 20', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[]; version?: string }>;
    };
    const offenders: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.dev) continue;
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (range && !semver.satisfies('20.19.0', range) && !semver.satisfies('20.20.2', range))
        offenders.push(`${path}@${entry.version} requires node ${range}`);
    }
    assert.deepEqual(offenders, []);
  });
});
