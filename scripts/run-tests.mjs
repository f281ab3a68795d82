// Runs every test file under test/ (or the folders/files given) with node's test runner through
// tsx. Node 20's --test has no glob support, so the file list is built here.
//
// Tests make their scratch folders with mkdtemp(tmpdir()); not every test removes its own, and a
// failing one skips its clean-up. So the run gets one TMPDIR of its own, removed at the end
// whatever happened (before this, each run left ~18 folders in /tmp).
//
// Files run several at a time. Most of the suite's time is spent waiting on other processes (the
// servers under test, Python, podman, Chromium, Prometheus), and node's default of one file less
// than the cores is one file at a time on a 2-core machine. BERTH_TEST_CONCURRENCY overrides it.
// Each file's wall time is kept in the cache, and the next run starts the slowest files first, so
// a long file does not start last and run alone at the end.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { bundleCli, bundleEntry } from './bundle.mjs';

// test/cluster needs the Kubernetes test bed, which `npm run test:cluster` starts and runs it in;
// without it every file there only skips, so a plain run leaves the folder out.
const cluster = join('test', 'cluster');
const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test'];
const files = [];
const walk = (path, named) => {
  if (!named && path === cluster) return;
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
  else if (path.endsWith('.test.ts')) files.push(path);
};
for (const root of roots) walk(root, true);

const cacheFile = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'berth', 'test-durations.json');
const readJson = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
};
const known = readJson(cacheFile);
// Slowest first; a file never timed (new, or a cold cache) counts as slow, so it does not end up last.
const expected = (file) => known[file] ?? Number.MAX_SAFE_INTEGER;
files.sort((a, b) => expected(b) - expected(a));

const concurrency = Number(process.env.BERTH_TEST_CONCURRENCY) || availableParallelism() + 2;
const scratch = mkdtempSync(join(tmpdir(), 'berth-tests-'));

// The `berth` processes tests start (test/helpers/berth-cli.ts) run the working tree bundled, as
// `npm run build` ships it: through tsx, every start compiled ~300 modules, ~1 s of CPU more each,
// and a run starts ~50. The bundle is laid out as dist/ is (bundle/ and cli/ one folder below the
// checkout), so the paths it finds relative to itself (proto/, python/, package.json) are the same.
const cli = mkdtempSync(join(process.cwd(), '.test-cli-'));
await bundleCli(join(cli, 'bundle'));
const cliEntry = join(cli, 'cli', 'bin.js');
await bundleEntry(join(cli, 'cli'));
const durationsOut = join(scratch, 'file-durations.json');
const cpuLog = join(scratch, 'file-cpu.jsonl');
const reporter = new URL('./test-file-durations.mjs', import.meta.url).pathname;
// Ctrl-C and SIGTERM reach the test processes too; once they have stopped, the scratch folders go.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => undefined);
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--import',
    new URL('./test-file-cpu.mjs', import.meta.url).pathname,
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${reporter}`,
    `--test-reporter-destination=${durationsOut}`,
    ...files,
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, TMPDIR: scratch, BERTH_TEST_CLI: cliEntry, BERTH_TEST_CPU_LOG: cpuLog },
  },
);

const measured = Object.fromEntries(
  Object.entries(readJson(durationsOut)).map(([file, ms]) => [relative(process.cwd(), file), ms]),
);
const cpu = {};
try {
  for (const line of readFileSync(cpuLog, 'utf8').split('\n').filter(Boolean)) {
    const { file, ms } = JSON.parse(line);
    cpu[relative(process.cwd(), file)] = ms;
  }
} catch {
  // No file finished, or not Linux.
}
rmSync(scratch, { recursive: true, force: true });
rmSync(cli, { recursive: true, force: true });
const seconds = (ms) => (ms === undefined ? '' : (ms / 1000).toFixed(1)).padStart(7);
const top = (times) =>
  Object.entries(times)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([file]) => file);
if (Object.keys(measured).length > 1) {
  const cpuTotal = Object.values(cpu).reduce((sum, ms) => sum + ms, 0);
  console.log(
    `\n${files.length} files, ${concurrency} at a time; CPU time of the files and what they ran: ${seconds(cpuTotal).trim()} s`,
  );
  console.log('   wall     CPU');
  for (const file of new Set([...top(measured), ...top(cpu)]))
    console.log(`${seconds(measured[file])} s ${seconds(cpu[file])} s  ${file}`);
}
try {
  mkdirSync(join(cacheFile, '..'), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify({ ...known, ...measured }, null, 1));
} catch {
  // The order is only an optimisation; a read-only home changes nothing else.
}
process.exit(result.status ?? 1);
