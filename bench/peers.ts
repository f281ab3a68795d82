import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { runProgram } from '../src/core/programs.js';
import { freePort } from '../src/plan/bench-server.js';
import { runLoadTest } from '../src/plan/load-test.js';
import { answers, requestBody, testRows } from './peers/requests.js';
import { median, round1, round2 } from './report.js';
import { formatPeerReport, type PeerRun, type Measurement, type Start } from './peers/report.js';
import { berth, mlserverFiles, systems, type ModelName, type Ports, type System } from './peers/systems.js';
import { packageVersions, prepareWorkspace } from './peers/workspace.js';
import { cpuSecondsOf, processTree, rssMbOf, startServer, type ServerUnderTest } from './servers.js';

/**
 * `npm run bench:peers [-- --reps 3 --seconds 6 --models iris,forest --systems berth,fastapi-ort-1w
 * --connections 16,64 --cold-spawns 3 --baseline DIR --out peers --merge]`:
 * Berth beside the servers its users would run instead, on this machine, in one run.
 *
 * Each repetition first times every system's cold start (spawn to the first 200 from its readiness
 * path) `--cold-spawns` times with nothing else running: each spawn is stopped once ready, and the
 * systems take turns spawn by spawn, so a slow moment of the machine falls on all of them; the
 * repetition's cold start of a system is the median of its spawns. Then it starts every system
 * afresh, one at a time with nothing under load, checks its answers, leaves them all idle 15 s
 * (idle RSS of each process tree), and loads each in turn with the same load generator
 * (autocannon, in this process, on loopback): a discarded warm-up, then the measured run. The
 * order of systems reverses every other repetition. Writes bench/results/<out>.json and .md
 * (default peers). `--baseline DIR` runs Berth from another built checkout beside this one (a
 * change's before and after in one run); `--connections` limits the load points.
 */
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const reps = Number(option('reps') ?? 3);
const seconds = Number(option('seconds') ?? 6);
const warmupSeconds = Number(option('warmup') ?? 2);
const idleSeconds = 15;
// 0: the cold start is the one of the start that is then loaded, timed with the systems started before it idle beside it.
const coldSpawns = Number(option('cold-spawns') ?? 3);
if (!Number.isInteger(coldSpawns) || coldSpawns < 0) throw new Error(`--cold-spawns ${coldSpawns}: a whole number ≥ 0`);
const models = (option('models') ?? 'iris,forest').split(',') as ModelName[];
const only = option('systems')?.split(',');
const connectionCounts = option('connections')?.split(',').map(Number);
const out = option('out') ?? 'peers';
if (!/^[a-z0-9-]+$/.test(out)) throw new Error(`--out ${out}: a file name in bench/results, without extension`);
const baselineDir = option('baseline');
// --merge: keep what bench/results/<out>.json holds for the models not run now (a run split in two).
const merge = args.includes('--merge');
const baseline = baselineDir && berth({ dir: resolve(baselineDir), name: option('baseline-name') ?? baselineDir });
const chosen = [...systems, ...(baseline ? [baseline] : [])].filter(
  (system) => !only || only.includes(system.id) || system === baseline,
);
const logDir = 'bench/results/logs/peers';
mkdirSync(logDir, { recursive: true });
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const connectionsFor = (model: ModelName) =>
  (model === 'iris' ? [16, 64] : [64]).filter((count) => !connectionCounts || connectionCounts.includes(count));

/** The points measured for a system: every one at 16 and 64 connections on iris, at 64 on the forest; Berth's OIP v2 beside its /predict. */
function pointsOf(
  system: System,
  model: ModelName,
): Array<{ label: string; connections: number; path: string; body: string }> {
  const row = testRows(model).rows[0]!;
  const main = {
    label: system.label,
    path: system.path(model),
    body: requestBody(system.dialect(model), row, system.v2Input?.(model)),
  };
  const points = connectionsFor(model).map((count) => ({ ...main, connections: count }));
  if (system.id === 'berth' && model === 'iris')
    points.push({
      label: 'Berth OIP v2 REST',
      connections: 64,
      path: '/v2/models/iris/infer',
      body: requestBody('v2', row),
    });
  return points;
}

/**
 * Waits until a server's process tree has used under 5% of a core for half a second (at most
 * 15 s): some peers go on importing and starting workers after their readiness path answers.
 */
async function settled(server: ServerUnderTest): Promise<void> {
  const deadline = performance.now() + 15_000;
  let quiet = 0;
  while (quiet < 2 && performance.now() < deadline) {
    const tree = processTree(server.program.pid!);
    const before = cpuSecondsOf(tree);
    await sleep(250);
    quiet = cpuSecondsOf(tree) - before < 0.0125 ? quiet + 1 : 0;
  }
}

async function launch(
  system: System,
  model: ModelName,
  run: string,
  workspace: Awaited<ReturnType<typeof prepareWorkspace>>,
): Promise<ServerUnderTest> {
  const ports: Ports = { http: await freePort(), grpc: await freePort(), metrics: await freePort() };
  if (system.id === 'mlserver') {
    for (const [file, content] of Object.entries(mlserverFiles(model, ports, workspace))) {
      const path = join(workspace.dir, `mlserver-${model}`, file);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
    }
  }
  const { program, args: launchArgs, cwd, env } = system.launch(model, ports, workspace);
  return startServer({
    program,
    args: launchArgs,
    cwd,
    env: env && { ...process.env, ...env },
    port: ports.http,
    grpcPort: ports.grpc,
    readyPath: system.readyPath(model),
    logFile: `${logDir}/${system.id}-${model}-${run}.log`,
  });
}

/**
 * Each system's cold start `coldSpawns` times with nothing else running, by id: spawned, stopped
 * once ready, the systems in turn spawn by spawn (A B C A B C …), so the machine's slow moments
 * fall on every system alike and the median of a system's spawns is not one spawn's luck.
 */
async function coldStartsAlone(
  order: System[],
  model: ModelName,
  rep: number,
  workspace: Awaited<ReturnType<typeof prepareWorkspace>>,
): Promise<Map<string, number[]>> {
  const times = new Map(order.map((system) => [system.id, [] as number[]]));
  const started = performance.now();
  for (let spawn = 1; spawn <= coldSpawns; spawn++) {
    for (const system of order) {
      try {
        const server = await launch(system, model, `r${rep}-s${spawn}`, workspace);
        times.get(system.id)!.push(round1(server.coldStartMs));
        await server.stop();
      } catch (error) {
        log(`  ${system.id} ${model} r${rep} spawn ${spawn}: did not start: ${String(error).slice(0, 500)}`);
      }
      // stop() returns once the whole tree has exited; this lets the exit's deferred work (freeing its memory, flushing its log) finish too.
      await sleep(300);
    }
  }
  for (const [id, spawns] of times)
    log(
      `  ${id} ${model} r${rep}: cold start alone ${spawns.map(Math.round).join(', ')} ms${spawns.length ? `, median ${Math.round(median(spawns))}` : ''}`,
    );
  log(
    `  ${model} r${rep}: ${coldSpawns} cold starts of ${order.length} systems in ${Math.round((performance.now() - started) / 1000)} s`,
  );
  return times;
}

log(
  `bench:peers: ${reps} reps × ${seconds} s (+${warmupSeconds} s warm-up) per point, models ${models.join(', ')}, on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'})`,
);
const workspace = await prepareWorkspace(
  chosen.filter((system) => models.some((model) => system.models.includes(model))),
  log,
);
const starts: Start[] = [];
const measurements: Measurement[] = [];
const loadAtStart = loadavg()[0]!;
const benchStarted = performance.now();

for (const model of models) {
  const list = chosen.filter((system) => system.models.includes(model));
  for (let rep = 1; rep <= reps; rep++) {
    const order = rep % 2 === 1 ? list : [...list].reverse();
    const running = new Map<string, ServerUnderTest>();
    const alone = coldSpawns > 0 ? await coldStartsAlone(order, model, rep, workspace) : undefined;
    for (const system of order) {
      const spawns = alone?.get(system.id);
      if (spawns?.length === 0) {
        starts.push({ system: system.id, model, rep, failed: 'did not start' });
        continue;
      }
      let server: ServerUnderTest;
      try {
        server = await launch(system, model, `r${rep}`, workspace);
      } catch (error) {
        log(`  ${system.id} ${model} r${rep}: did not start: ${String(error).slice(0, 500)}`);
        starts.push({ system: system.id, model, rep, failed: 'did not start' });
        continue;
      }
      const classes = system.reference ? [] : await answers(system, model, server.url).catch(() => [undefined]);
      const expected = testRows(model).classes;
      const wrong = classes.filter((got, index) => got !== expected[index]).length;
      if (wrong > 0) {
        log(
          `  ${system.id} ${model} r${rep}: answered ${JSON.stringify(classes)}, expected ${JSON.stringify(expected)}: not measured`,
        );
        starts.push({ system: system.id, model, rep, failed: `wrong answers: ${JSON.stringify(classes)}` });
        await server.stop();
        continue;
      }
      log(
        `  ${system.id} ${model} r${rep}: ready in ${Math.round(server.coldStartMs)} ms${running.size > 0 ? ` beside ${running.size} idle` : ''}${system.reference ? '' : `, ${classes.length} answers right`}`,
      );
      starts.push({
        system: system.id,
        model,
        rep,
        ...(spawns
          ? { coldStartMs: median(spawns), coldSpawnsMs: spawns, loadedStartMs: round1(server.coldStartMs) }
          : { coldStartMs: server.coldStartMs }),
        processes: 0,
        idleRssMb: 0,
        idlePssMb: 0,
        peakRssMb: 0,
      });
      running.set(system.id, server);
      await settled(server); // the next cold start is timed on a quiet machine
    }
    // What each system does while nobody calls it: its own cost at rest, and what it takes from
    // the load generator and the server under load while the others are measured.
    const trees = new Map([...running].map(([id, server]) => [id, processTree(server.program.pid!)]));
    const idleCpuBefore = new Map([...trees].map(([id, tree]) => [id, cpuSecondsOf(tree)]));
    await sleep(idleSeconds * 1000);
    const startOf = (id: string) =>
      starts.findLast((start) => start.system === id && start.model === model && start.rep === rep) as Extract<
        Start,
        { coldStartMs: number }
      >;
    for (const [id, server] of running)
      Object.assign(startOf(id), {
        idleRssMb: server.rssMb(),
        idlePssMb: server.pssMb(),
        idleCores: round2((cpuSecondsOf(trees.get(id)!) - idleCpuBefore.get(id)!) / idleSeconds),
        processes: server.processCount(),
      });

    for (const connections of connectionsFor(model)) {
      for (const system of order) {
        const server = running.get(system.id);
        if (!server || system.startOnly) continue;
        for (const point of pointsOf(system, model).filter((candidate) => candidate.connections === connections)) {
          const load = (durationSeconds: number) =>
            runLoadTest({
              url: `${server.url}${point.path}`,
              method: 'POST',
              body: point.body,
              connections,
              durationSeconds,
              timeoutSeconds: 10,
            });
          await load(warmupSeconds);
          // The tree is read once: reading /proc for every process each second would stall the load generator's loop.
          const members = processTree(server.program.pid!);
          const others = [...running.keys()].filter((id) => id !== system.id).flatMap((id) => trees.get(id)!);
          const cpuBefore = cpuSecondsOf(members);
          const othersCpuBefore = cpuSecondsOf(others);
          let peakRss = 0;
          const sampler = setInterval(
            () =>
              (peakRss = Math.max(
                peakRss,
                members.reduce((sum, pid) => sum + rssMbOf(pid), 0),
              )),
            1000,
          );
          const started = performance.now();
          const result = await load(seconds);
          clearInterval(sampler);
          const elapsed = (performance.now() - started) / 1000;
          const cores = (cpuSecondsOf(members) - cpuBefore) / elapsed;
          const othersCores = (cpuSecondsOf(others) - othersCpuBefore) / elapsed;
          const start = startOf(system.id);
          start.peakRssMb = Math.max(start.peakRssMb, peakRss, server.rssMb());
          const { p50, p99, p999, max } = result.latencyMs;
          measurements.push({
            system: system.id,
            model,
            label: point.label,
            connections,
            rep,
            rps: result.requests.perSecond,
            p50,
            p99,
            p999,
            max,
            errors: result.errors + result.timeouts + result.non2xx,
            serverCores: round2(cores),
            othersCores: round2(othersCores),
          });
          log(
            `  ${point.label} c${connections} r${rep}: ${Math.round(result.requests.perSecond)} req/s, p99 ${p99} ms, p99.9 ${p999} ms, max ${max} ms, ${cores.toFixed(2)} cores (the idle others ${othersCores.toFixed(2)})`,
          );
        }
      }
    }
    for (const server of running.values()) await server.stop();
  }
}

const commit = (await runProgram('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim();
const onnxruntimeNode = (
  JSON.parse(readFileSync('node_modules/onnxruntime-node/package.json', 'utf8')) as { version: string }
).version;
const earlier = merge ? (JSON.parse(readFileSync(`bench/results/${out}.json`, 'utf8')) as PeerRun) : undefined;
const kept = <T extends { model: ModelName }>(items: T[] | undefined) =>
  (items ?? []).filter((item) => !models.includes(item.model));
const run: PeerRun = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? '',
  loadAverage: [
    ...(earlier?.loadAverage ?? []).filter((part) => !part.models.some((model) => models.includes(model))),
    { models, start: loadAtStart, end: loadavg()[0]! },
  ],
  reps,
  coldSpawns,
  seconds,
  warmupSeconds,
  idleSeconds,
  berth: { commit, onnxruntimeNode },
  systems: chosen.map((system) => ({
    id: system.id,
    label: system.label,
    settings: system.settings,
    versions: packageVersions(system),
    reference: system.reference ?? false,
  })),
  starts: [...kept(earlier?.starts), ...starts],
  measurements: [...kept(earlier?.measurements), ...measurements],
};
const report = formatPeerReport(run);
process.stdout.write(`${report}\n`);
writeFileSync(`bench/results/${out}.json`, `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(`bench/results/${out}.md`, `${report}\n`);
log(`wrote bench/results/${out}.json and ${out}.md in ${Math.round((performance.now() - benchStarted) / 60_000)} min`);
