import { runProgram } from '../core/programs.js';
import { errors } from '../core/errors.js';

/**
 * Measures what a model costs to start, in a fresh `node` process, so the numbers are those of a
 * pod and not of this CLI: seconds from process start until the model is loaded and one batch of
 * `batchRows` synthetic rows has run, and the process's peak RSS (getrusage ru_maxrss) after that
 * batch. The seed's advice for the OOMKilled gotcha is "profile peak memory with a realistic
 * batch before you pick the numbers"; this is that profile, taken automatically.
 *
 * The child imports Berth's own ONNX runtime module by URL (this process never loads it), so it
 * loads the model exactly as the server does. Its batch runs on the onnxruntime thread, so the peak
 * counts what a server under load holds: the thread, and a model's session on both sides.
 */
export interface Measurement {
  loadSeconds: number;
  peakRssBytes: number;
  /** Rows of the batch that ran after loading; 0 if the model could not take a synthetic batch. */
  batchRows: number;
}

export interface MeasureOptions {
  batchRows: number;
  timeoutMs?: number;
}

// Relative to this module, two folders below the package root in src/, dist/ and dist/bundle/
// alike: in the bundle these name tsc's unbundled modules, which the child imports on its own.
const tensorModuleUrl = new URL('../core/tensor.js', import.meta.url).href;
const runtimeModuleUrl = new URL('../runtime/onnx.js', import.meta.url).href;

// Runs as an ES module in the child: argv = [runtime URL, tensor URL, model path, batch rows].
const childScript = `
const [runtimeUrl, tensorUrl, path, rowsText] = process.argv.slice(1);
const { createOnnxRuntime } = await import(runtimeUrl);
const { datatypeInfo } = await import(tensorUrl);
const runtime = createOnnxRuntime({ path, name: 'measure', version: '0' }, { threadAboveMicros: 0 });
await runtime.load();
let batchRows = 0;
try {
  const inputs = runtime.metadata().inputs.map((spec) => {
    const shape = spec.shape.map((dim, axis) => (dim >= 0 ? dim : axis === 0 ? Number(rowsText) : 1));
    const count = shape.reduce((a, b) => a * b, 1);
    return { name: spec.name, datatype: spec.datatype, shape, data: datatypeInfo(spec.datatype).make(count) };
  });
  await runtime.infer({ inputs });
  batchRows = inputs[0] ? inputs[0].shape[0] ?? 1 : 0;
} catch {}
const loadSeconds = performance.now() / 1000;
process.stdout.write(JSON.stringify({ loadSeconds, peakRssBytes: process.resourceUsage().maxRSS * 1024, batchRows }));
`;

export async function measureModel(path: string, options: MeasureOptions): Promise<Measurement> {
  const args = [...loaderArgs(process.execArgv), '--input-type=module', '-e', childScript, runtimeModuleUrl, tensorModuleUrl, path, String(options.batchRows)];
  const result = await runProgram(process.execPath, args, { timeoutMs: options.timeoutMs ?? 300_000 });
  if (result.code !== 0) throw errors.measureFailed(path, lastLine(result.stderr) || `exit code ${result.code}`);
  try {
    const parsed = JSON.parse(result.stdout) as Measurement;
    if (!(parsed.loadSeconds > 0) || !(parsed.peakRssBytes > 0)) throw new Error(result.stdout);
    return parsed;
  } catch {
    throw errors.measureFailed(path, `unexpected output ${JSON.stringify(result.stdout.slice(0, 200))}`);
  }
}

/** Keeps `--import tsx` and similar, so the child resolves Berth's modules as this process does. */
function loaderArgs(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < execArgv.length; index++) {
    const arg = execArgv[index]!;
    if (/^--(import|require|loader|experimental-loader)=/.test(arg)) out.push(arg);
    else if (/^--(import|require|loader|experimental-loader)$/.test(arg) && index + 1 < execArgv.length) out.push(arg, execArgv[++index]!);
  }
  return out;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((line) => line.trim() && !line.trim().startsWith('at '));
  return lines.at(-1)?.trim() ?? '';
}
