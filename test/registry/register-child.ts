// A separate process that registers one model, for the concurrency and kill -9 tests.
// usage: register-child.ts <repo> <source> <name> [pause-after-stage | barrier <folder>]
//   pause-after-stage: prints `STAGED <pid> <tempdir>` once the version is fully staged but not yet
//                      published, then waits forever (the test kills it with SIGKILL).
//   barrier <folder>:  before publishing, writes <folder>/ready-<pid> and waits for <folder>/go, so
//                      two children try to publish the same version number at the same moment.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeOnnxModel } from '../../src/runtime/describe-onnx.js';
import { registerModel, type RegisterHooks } from '../../src/registry/index.js';

const [repository, source, name, mode, folder] = process.argv.slice(2);
const hooks: RegisterHooks = {};
if (mode === 'pause-after-stage') {
  hooks.staged = async (temp) => {
    process.stdout.write(`STAGED ${process.pid} ${temp}\n`);
    // A pending promise alone does not keep Node running: hold the event loop open until killed.
    await new Promise(() => setInterval(() => undefined, 60_000));
  };
}
if (mode === 'barrier') {
  let first = true;
  hooks.beforePublish = async (version) => {
    if (!first) return;
    first = false;
    writeFileSync(join(folder!, `ready-${process.pid}-${version}`), '');
    while (!existsSync(join(folder!, 'go'))) await sleep(5);
  };
}
const result = await registerModel({
  repository: repository!,
  source: source!,
  name,
  describe: describeOnnxModel,
  hooks,
});
process.stdout.write(`${JSON.stringify({ version: result.version, sha256: result.metadata.sha256 })}\n`);
