import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * One full GC once the models are loaded, so that V8 gives back the young generation start-up grew,
 * and from then on code that stops running gives back its compiled form.
 *
 * Loading the server grows V8's young generation to ~8 MB. Only V8's memory reducer shrinks it
 * again, ~8 s after it is started, and it is started by a full GC (mark-compact), which start-up
 * may or may not have needed: the same build idled at 94–96 MB RSS in some spawns and 103–113 MB in
 * others. With one full GC after loading, every spawn rests at the lower figure.
 *
 * Start-up runs much code once (configuration, the CLI, route registration, the model's checks).
 * V8 drops a function's bytecode only after it has gone unused through 5 full GCs, and its Sparkplug
 * code never, so at rest all of it stayed. With an age of 1 and baseline code flushing on, what did
 * not run between two full GCs is dropped and compiled again if it ever runs (hot request code keeps
 * running, so keeps its code). V8 reads both flags at each GC, so setting them now works.
 *
 * `gc` is taken from a fresh context made while the flag is on (as jest's --logHeapUsage does);
 * the flag is turned off again, so user code sees no global `gc` it was not started with.
 */
export function collectStartupGarbage(): void {
  v8.setFlagsFromString('--bytecode-old-age=1');
  v8.setFlagsFromString('--flush-baseline-code');
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  v8.setFlagsFromString('--no-expose-gc');
  gc();
}
