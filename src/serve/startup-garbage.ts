import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeStartupFlush } from '../core/startup-moments.js';

/**
 * One full GC once the models are loaded, which also drops the code start-up compiled, so that V8
 * gives back the young generation start-up grew and the code it ran once.
 *
 * Loading the server grows V8's young generation to ~8 MB. Only V8's memory reducer shrinks it
 * again, ~8 s after it is started, and it is started by a full GC (mark-compact), which start-up
 * may or may not have needed: the same build idled at 94–96 MB RSS in some spawns and 103–113 MB in
 * others. With one full GC after loading, every spawn rests at the lower figure.
 *
 * Start-up runs much code once (configuration, the CLI, route registration, the model's checks).
 * V8 drops a function's bytecode only after 5 full GCs of its own without a call, and its Sparkplug
 * code never, so at rest all of it stayed. This GC drops every function's bytecode and Sparkplug
 * code (`--stress-flush-code`, on for this GC only); what runs later is compiled again at its first
 * call, as it was at start-up.
 *
 * `gc` is taken from a fresh context made while the flag is on (as jest's --logHeapUsage does);
 * the flag is turned off again, so user code sees no global `gc` it was not started with.
 */
export function collectStartupGarbage(): void {
  (process as NodeJS.EventEmitter).emit(beforeStartupFlush);
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
    v8.setFlagsFromString('--no-expose-gc');
  }
  v8.setFlagsFromString('--stress-flush-code');
  v8.setFlagsFromString('--flush-baseline-code');
  try {
    gc();
  } finally {
    v8.setFlagsFromString('--no-stress-flush-code');
    v8.setFlagsFromString('--no-flush-baseline-code');
  }
}
