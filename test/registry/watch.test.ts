import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  deleteVersion,
  diffSnapshots,
  registerModel,
  rollback,
  setAlias,
  watchRepository,
  type ModelState,
  type RepositoryChange,
  type RepositorySnapshot,
} from '../../src/registry/index.js';
import { describe, repositoryWorkspace, type tempFolder } from './helpers.js';

let work: Awaited<ReturnType<typeof tempFolder>>;
let repository: string;
let model: string;

before(async () => {
  ({ work, repository, model } = await repositoryWorkspace());
  await registerModel({ repository, source: model, name: 'tiny', describe });
});
after(() => work.cleanup());

/** Collects changes and lets a test wait until one matching `want` arrives (no timing asserted). */
function collector() {
  const seen: RepositoryChange[] = [];
  const waiters: Array<{ want: (change: RepositoryChange) => boolean; resolve: () => void }> = [];
  return {
    seen,
    onChange(changes: RepositoryChange[]) {
      seen.push(...changes);
      for (const waiter of [...waiters]) {
        if (!changes.some(waiter.want)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    until(want: (change: RepositoryChange) => boolean) {
      if (seen.some(want)) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ want, resolve }));
    },
  };
}

for (const mode of ['fs.watch', 'polling only'] as const) {
  test(`the watcher reports new versions, alias moves, rollbacks and deletes (${mode})`, async () => {
    const events = collector();
    // A huge debounce disables the fs.watch path, so only the poll can see changes.
    const options = mode === 'fs.watch' ? { debounceMs: 10, pollMs: 60_000 } : { debounceMs: 600_000, pollMs: 25 };
    const watcher = watchRepository(repository, events.onChange, options);
    try {
      const first = await watcher.ready;
      const start = first.get('tiny')!.versions.at(-1)!;
      const added = (await registerModel({ repository, source: model, name: 'tiny', describe })).version;
      await events.until((change) => change.kind === 'version-added' && change.version === added);

      await setAlias({ repository, name: 'tiny', alias: 'production', target: String(start) });
      await setAlias({ repository, name: 'tiny', alias: 'production', target: String(added) });
      await events.until((change) => change.kind === 'alias-moved' && change.to === added);
      await rollback({ repository, name: 'tiny', alias: 'production' });
      await events.until((change) => change.kind === 'alias-moved' && change.from === added && change.to === start);

      await deleteVersion({ repository, ref: `tiny@${added}` });
      await events.until((change) => change.kind === 'version-removed' && change.version === added);

      await registerModel({ repository, source: model, name: `second-${mode.length}`, describe });
      await events.until((change) => change.kind === 'version-added' && change.name === `second-${mode.length}`);
      assert.deepEqual(watcher.snapshot().get('tiny')!.aliases, { production: start });
    } finally {
      watcher.close();
    }
  });
}

test('diffSnapshots names every kind of change', () => {
  const before: RepositorySnapshot = new Map([['m', { versions: [1, 2], aliases: { production: 1, staging: 2 } }]]);
  const after: RepositorySnapshot = new Map<string, ModelState>([
    ['m', { versions: [2, 3], aliases: { production: 3, canary: 2 } }],
    ['n', { versions: [1], aliases: {} }],
  ]);
  assert.deepEqual(diffSnapshots(before, after), [
    { kind: 'version-added', name: 'm', version: 3 },
    { kind: 'version-removed', name: 'm', version: 1 },
    { kind: 'alias-moved', name: 'm', alias: 'production', from: 1, to: 3 },
    { kind: 'alias-moved', name: 'm', alias: 'staging', from: 2, to: undefined },
    { kind: 'alias-moved', name: 'm', alias: 'canary', from: undefined, to: 2 },
    { kind: 'version-added', name: 'n', version: 1 },
  ]);
});
