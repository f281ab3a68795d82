// Runs every test file under test/ (or the folders/files given) with node's test runner through
// tsx. Node 20's --test has no glob support, so the file list is built here.
//
// Tests make their scratch folders with mkdtemp(tmpdir()); not every test removes its own, and a
// failing one skips its clean-up. So the run gets one TMPDIR of its own, removed at the end
// whatever happened (before this, each run left ~18 folders in /tmp).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test'];
const files = [];
const walk = (path) => {
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
  else if (path.endsWith('.test.ts')) files.push(path);
};
roots.forEach(walk);
const scratch = mkdtempSync(join(tmpdir(), 'berth-tests-'));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env: { ...process.env, TMPDIR: scratch } });
rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);
