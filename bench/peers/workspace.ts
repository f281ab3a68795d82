import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostFacts } from '../../src/core/env.js';
import { runProgram } from '../../src/core/programs.js';
import type { System, Workspace } from './systems.js';

const requirementsFile = (name: string) => `bench/peers/requirements/${name}.txt`;

/**
 * Makes what the peers need, once, and finds it again after: a venv per requirements file (the
 * project's scripts/python/venv.sh, cached by content), and the scikit-learn models, trained by
 * bench/peers/train.py in the seed's venv into a folder of the cache named by the hash of the
 * script and the seed's pins. `log` is told how long each step took.
 */
export async function prepareWorkspace(systems: System[], log: (line: string) => void): Promise<Workspace> {
  const bins = new Map<string, string>();
  const wanted = systems.flatMap((system) => (system.requirements ? [system.requirements] : []));
  // The models are trained in the seed's venv, which a run of other Python peers needs as well.
  for (const name of new Set(wanted.length > 0 ? [...wanted, 'seed-fastapi'] : [])) {
    const started = performance.now();
    const made = await runProgram('bash', ['scripts/python/venv.sh', requirementsFile(name)], {
      onOutput: (chunk, stream) => stream === 'stderr' && log(chunk.trimEnd()),
    });
    if (made.code !== 0) throw new Error(`the venv for ${requirementsFile(name)} failed: ${made.stderr.slice(-1000)}`);
    bins.set(name, join(made.stdout.trim(), 'bin'));
    log(`venv ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const bin = (name: string) =>
    bins.get(name) ??
    (() => {
      throw new Error(`no venv for ${name}`);
    })();

  const hash = createHash('sha256')
    .update(readFileSync('bench/peers/train.py'))
    .update(readFileSync(requirementsFile('seed-fastapi')))
    .digest('hex')
    .slice(0, 12);
  const dir = resolve(hostFacts().berthCache, 'bench-peers', `models-${hash}`);
  // Only the Python peers (each with its requirements) serve the trained models.
  if (bins.size > 0 && !existsSync(join(dir, '.complete'))) {
    const started = performance.now();
    const trained = await runProgram(`${bin('seed-fastapi')}/python`, ['bench/peers/train.py', dir]);
    if (trained.code !== 0) throw new Error(`bench/peers/train.py failed: ${trained.stderr.slice(-1000)}`);
    mkdirSync(join(dir, 'seed'), { recursive: true });
    copyFileSync(join(dir, 'iris.joblib'), join(dir, 'seed', 'model.joblib'));
    writeFileSync(join(dir, '.complete'), '');
    log(`models trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { dir, bin };
}

/** The pinned version of each named package in a system's requirements file. */
export function packageVersions(system: System): Record<string, string> {
  if (!system.requirements) return {};
  const pins = new Map<string, string>();
  for (const line of readFileSync(requirementsFile(system.requirements), 'utf8').split('\n')) {
    const match = /^([A-Za-z0-9_.-]+)==(\S+)/.exec(line);
    if (match) pins.set(match[1]!.toLowerCase(), match[2]!);
  }
  return Object.fromEntries((system.packages ?? []).map((name) => [name, pins.get(name) ?? '?']));
}
