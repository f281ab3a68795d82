import { median } from '../report.js';
import type { ModelName } from './systems.js';

/** One system in one repetition: its cold start and memory, or why it was not measured. */
export type Start =
  | {
      system: string;
      model: ModelName;
      rep: number;
      /** The median of coldSpawnsMs; in runs without them, the start that was then loaded. */
      coldStartMs: number;
      /** Each cold start timed alone on the machine in this repetition (`--cold-spawns`), in order. */
      coldSpawnsMs?: number[];
      /** The start that was then loaded, timed with the systems started before it idle beside it. */
      loadedStartMs?: number;
      processes: number;
      idleRssMb: number;
      idlePssMb: number;
      /** CPU its process tree used while idle, in cores (absent in older runs). */
      idleCores?: number;
      peakRssMb: number;
      failed?: undefined;
    }
  | { system: string; model: ModelName; rep: number; failed: string };

/** One measured load run. */
export interface Measurement {
  system: string;
  model: ModelName;
  label: string;
  connections: number;
  rep: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  errors: number;
  /** CPU the server's process tree used during the run, in cores. */
  serverCores: number;
  /** CPU the other systems' trees, idle beside it, used during the run, in cores (absent in older runs). */
  othersCores?: number;
}

export interface PeerRun {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  /** The 1-minute load average at the start and end of each part of the run (several with --merge). */
  loadAverage: Array<{ models: ModelName[]; start: number; end: number }>;
  reps: number;
  /** Cold starts timed alone per system and repetition; absent in runs that timed only the loaded start. */
  coldSpawns?: number;
  seconds: number;
  warmupSeconds: number;
  idleSeconds: number;
  berth: { commit: string; onnxruntimeNode: string };
  systems: Array<{ id: string; label: string; settings: string; versions: Record<string, string>; reference: boolean }>;
  starts: Start[];
  measurements: Measurement[];
}

export interface PeerVerdict {
  target: string;
  value: string;
  met: boolean;
}

/** spread() of a figure older runs did not record: '–' where any value is missing. */
const optional = (values: Array<number | undefined>) =>
  values.every((value) => value !== undefined) ? spread(values as number[], 2) : '–';

const measured = (start: Start): start is Extract<Start, { coldStartMs: number }> => start.failed === undefined;

/** "median (min–max)" of values, in a format suited to their size. */
export function spread(values: number[], digits?: number): string {
  return medianWithin(values, values, digits);
}

/** "median (min–max)": the median of `values`, the range of `range` (values it summarises, such as each repetition's spawns). */
function medianWithin(values: number[], range: number[], digits?: number): string {
  if (values.length === 0) return '–';
  const format = (value: number) => {
    const places = digits ?? (value >= 100 ? 0 : value >= 10 ? 1 : 2);
    return value.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
  };
  const low = Math.min(...range);
  const high = Math.max(...range);
  return low === high ? format(values[0]!) : `${format(median(values))} (${format(low)}–${format(high)})`;
}

/** Per-repetition ratio a/b of two series measured side by side (same repetition, same model). */
function perRep(
  run: PeerRun,
  a: (m: Measurement) => boolean,
  b: (m: Measurement) => boolean,
  value: (m: Measurement) => number,
): number[] {
  const out: number[] = [];
  for (const ma of run.measurements.filter(a)) {
    const mb = run.measurements.find(
      (candidate) => b(candidate) && candidate.rep === ma.rep && candidate.model === ma.model,
    );
    if (mb && value(mb) > 0) out.push(value(ma) / value(mb));
  }
  return out;
}

const point = (system: string, connections: number, label?: string) => (m: Measurement) =>
  m.model === 'iris' &&
  m.system === system &&
  m.connections === connections &&
  (label === undefined || m.label === label);

/** Berth's targets against the peers and the ceiling, as ratios within this run. */
export function judgePeers(run: PeerRun): PeerVerdict[] {
  const verdicts: PeerVerdict[] = [];
  const berth = point('berth', 64, 'Berth /predict');
  const ort = point('fastapi-ort-1w', 64);
  const ceiling = point('ceiling', 64);
  const rps = perRep(run, berth, ort, (m) => m.rps);
  const p99VsOrt = perRep(run, berth, ort, (m) => m.p99);
  if (rps.length > 0) {
    verdicts.push({
      target: '/predict c64 ≥ 5 × the req/s of FastAPI + onnxruntime (1 worker)',
      value: `${spread(rps)}×`,
      met: median(rps) >= 5,
    });
    verdicts.push({
      target: '… at a p99 no higher than its p99 (every repetition)',
      value: `${spread(p99VsOrt)}× its p99`,
      met: Math.max(...p99VsOrt) <= 1,
    });
  }
  const p99 = perRep(run, berth, ceiling, (m) => m.p99);
  const p999 = perRep(run, berth, ceiling, (m) => m.p999);
  if (p99.length > 0) {
    verdicts.push({
      target: '/predict c64 p99 ≤ 2 × the ceiling’s p99, every repetition',
      value: `${spread(p99)}× (worst ${Math.max(...p99).toFixed(2)}×)`,
      met: Math.max(...p99) <= 2,
    });
    verdicts.push({
      target: '/predict c64 p99.9 ≤ 5 × the ceiling’s p99.9, every repetition',
      value: `${spread(p999)}× (worst ${Math.max(...p999).toFixed(2)}×)`,
      met: Math.max(...p999) <= 5,
    });
  }
  for (const model of ['iris', 'forest'] as const) verdicts.push(...judgeStarts(run, model));
  verdicts.push(...judgeBaseline(run));
  return verdicts;
}

const startsOf = (run: PeerRun, system: string, model: ModelName) =>
  run.starts.filter((start) => start.system === system && start.model === model).filter(measured);

/** Per-repetition ratio of a start figure of Berth's to the same figure of a system started in the same repetition. */
function startRatios(
  run: PeerRun,
  model: ModelName,
  other: string,
  value: (start: Extract<Start, { coldStartMs: number }>) => number,
): number[] {
  return startsOf(run, 'berth', model).flatMap((start) => {
    const beside = startsOf(run, other, model).find((candidate) => candidate.rep === start.rep);
    return beside && value(beside) > 0 ? [value(start) / value(beside)] : [];
  });
}

/** Idle RSS and cold start against the leanest and the fastest peer (its median), with the ratio per repetition. */
function judgeStarts(run: PeerRun, model: ModelName): PeerVerdict[] {
  const peers = run.systems.filter(
    (system) => !system.reference && !system.id.startsWith('berth') && startsOf(run, system.id, model).length > 0,
  );
  const berthStarts = startsOf(run, 'berth', model);
  if (peers.length === 0 || berthStarts.length === 0) return [];
  const byMedian = (value: (start: Extract<Start, { coldStartMs: number }>) => number) =>
    peers
      .map((peer) => ({ peer, value: median(startsOf(run, peer.id, model).map(value)) }))
      .sort((x, y) => x.value - y.value)[0]!;
  const leanest = byMedian((start) => start.idleRssMb);
  const idle = berthStarts.map((start) => start.idleRssMb);
  const idleRatios = startRatios(run, model, leanest.peer.id, (start) => start.idleRssMb);
  const fastest = byMedian((start) => start.coldStartMs);
  const cold = berthStarts.map((start) => start.coldStartMs);
  const coldRatios = startRatios(run, model, fastest.peer.id, (start) => start.coldStartMs);
  return [
    {
      target: `${model}: idle RSS ≤ the leanest peer’s (${leanest.peer.label}: ${leanest.value.toFixed(1)} MB)`,
      value: `${spread(idle, 1)} MB; per repetition ${spread(idleRatios)}× its`,
      met: median(idle) <= leanest.value,
    },
    {
      target: `${model}: cold start ≤ 1/3 of the fastest peer’s (${fastest.peer.label}: ${Math.round(fastest.value)} ms)`,
      value: `${spread(cold, 0)} ms = ${(median(cold) / fastest.value).toFixed(2)} of it; per repetition ${coldRatios.map((ratio) => ratio.toFixed(2)).join(', ')}× its`,
      met: median(cold) <= fastest.value / 3,
    },
  ];
}

/** With `--baseline`: this checkout's Berth against the baseline's, per repetition (not targets: the change's effect). */
function judgeBaseline(run: PeerRun): PeerVerdict[] {
  const verdicts: PeerVerdict[] = [];
  for (const model of ['iris', 'forest'] as const) {
    if (startsOf(run, 'berth-baseline', model).length === 0) continue;
    const cold = startRatios(run, model, 'berth-baseline', (start) => start.coldStartMs);
    const idle = startRatios(run, model, 'berth-baseline', (start) => start.idleRssMb);
    verdicts.push({
      target: `${model}: cold start and idle RSS, this tree ÷ the baseline`,
      value: `cold start ${spread(cold)}×, idle RSS ${spread(idle)}×`,
      met: median(cold) <= 1 && median(idle) <= 1,
    });
    const at64 = (system: string) => (m: Measurement) =>
      m.model === model && m.system === system && m.connections === 64 && m.label.startsWith('Berth /predict');
    const rps = perRep(run, at64('berth'), at64('berth-baseline'), (m) => m.rps);
    const p99 = perRep(run, at64('berth'), at64('berth-baseline'), (m) => m.p99);
    if (rps.length > 0)
      verdicts.push({
        target: `${model}: c64 req/s and p99, this tree ÷ the baseline`,
        value: `req/s ${spread(rps)}×, p99 ${spread(p99)}×`,
        met: median(rps) >= 0.95 && median(p99) <= 1.05,
      });
  }
  return verdicts;
}

export function formatPeerReport(run: PeerRun): string {
  const label = (id: string) => run.systems.find((system) => system.id === id)?.label ?? id;
  const lines = [
    `Berth beside the servers its users would run instead: ${run.date.slice(0, 10)}, ${run.cpus} cores (${run.cpuModel}), Node ${run.node}, Berth ${run.berth.commit} with onnxruntime-node ${run.berth.onnxruntimeNode}. ` +
      `${run.reps} repetition${run.reps === 1 ? '' : 's'}; each ${
        run.coldSpawns
          ? `times every system's cold start ${run.coldSpawns} times alone on the machine (spawn to the first 200 from its readiness path, then stopped; the systems in turn, spawn by spawn), then starts`
          : 'starts'
      } every system afresh, leaves them idle ${run.idleSeconds} s, then loads each in turn (${run.warmupSeconds} s warm-up, ${run.seconds} s measured, autocannon on loopback, one row per request). ` +
      `Cells are the median over repetitions (min–max). Load average ${run.loadAverage.map((part) => `${part.start.toFixed(2)} → ${part.end.toFixed(2)} (${part.models.join(', ')})`).join('; ')}.`,
  ];
  for (const model of ['iris', 'forest'] as const) {
    const rows = run.measurements.filter((m) => m.model === model);
    if (rows.length === 0) continue;
    lines.push(
      '',
      `### ${model === 'iris' ? 'iris (RandomForest, 100 trees, 4 features)' : 'bench forest (RandomForest, 500 trees, depth 8, 50 features)'}`,
      '',
    );
    lines.push(
      "| system | conns | req/s | p50 ms | p99 ms | p99.9 ms | max ms | server cores | the idle others' cores | errors |",
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const keys = [...new Set(rows.map((m) => `${m.label}\u0000${m.connections}`))];
    for (const key of keys) {
      const [name, connections] = key.split('\u0000');
      const group = rows.filter((m) => m.label === name && String(m.connections) === connections);
      const cell = (value: (m: Measurement) => number, digits?: number) => spread(group.map(value), digits);
      lines.push(
        `| ${name} | ${connections} | ${cell((m) => m.rps, 0)} | ${cell((m) => m.p50)} | ${cell((m) => m.p99)} | ${cell((m) => m.p999)} | ${cell((m) => m.max)} | ${cell((m) => m.serverCores)} | ${optional(group.map((m) => m.othersCores))} | ${group.reduce((sum, m) => sum + m.errors, 0)} |`,
      );
    }
    lines.push(
      '',
      `| system | cold start ms${run.coldSpawns ? ` (each repetition's median of ${run.coldSpawns} spawns alone; min–max of all spawns)` : ''} | idle RSS MB | idle PSS MB | idle cores | peak RSS under load MB | processes |`,
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const system of run.systems) {
      const starts = run.starts.filter((start) => start.system === system.id && start.model === model);
      if (starts.length === 0) continue;
      const ok = starts.filter(measured);
      const failed = starts.filter((start) => !measured(start)).map((start) => `r${start.rep}: ${start.failed}`);
      lines.push(
        `| ${label(system.id)}${failed.length ? ` (not measured ${failed.join('; ')})` : ''} | ${medianWithin(
          ok.map((s) => s.coldStartMs),
          ok.flatMap((s) => s.coldSpawnsMs ?? [s.coldStartMs]),
          0,
        )} | ${spread(
          ok.map((s) => s.idleRssMb),
          1,
        )} | ${spread(
          ok.map((s) => s.idlePssMb),
          1,
        )} | ${optional(ok.map((s) => s.idleCores))} | ${
          // A system measured at rest only (the floor) was never loaded: it has no peak.
          ok.every((s) => s.peakRssMb === 0)
            ? '–'
            : spread(
                ok.map((s) => s.peakRssMb),
                1,
              )
        } | ${spread(
          ok.map((s) => s.processes),
          0,
        )} |`,
      );
    }
  }
  lines.push('', '| system | versions | settings |', '|---|---|---|');
  for (const system of run.systems) {
    const versions = Object.entries(system.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ');
    lines.push(
      `| ${system.label} | ${system.id === 'berth' ? `${run.berth.commit}, onnxruntime-node ${run.berth.onnxruntimeNode}` : versions || `Node ${run.node}`} | ${system.settings} |`,
    );
  }
  const verdicts = judgePeers(run);
  if (verdicts.length > 0) {
    lines.push('', '| target | this run: median (min–max) over repetitions | met |', '|---|---|---|');
    for (const verdict of verdicts)
      lines.push(`| ${verdict.target} | ${verdict.value} | ${verdict.met ? 'yes' : 'no'} |`);
  }
  return lines.join('\n');
}
