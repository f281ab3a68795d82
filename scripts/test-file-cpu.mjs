// Loaded into each test file's process by scripts/run-tests.mjs (`--import`): at exit, appends the
// CPU time the file cost, its own and that of the children it waited for (servers, Python,
// podman), to $BERTH_TEST_CPU_LOG. On two cores the suite's time is its CPU time, so the run lists
// the files that cost the most of it, beside the ones that took longest.
import { appendFileSync, readFileSync } from 'node:fs';

const log = process.env.BERTH_TEST_CPU_LOG;
const file = process.argv[1];
if (log && file?.endsWith('.test.ts')) {
  process.on('exit', () => {
    try {
      // utime, stime, cutime, cstime: fields 14-17 of /proc/self/stat (proc(5)), in clock ticks of 1/100 s.
      const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
      const ticks = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
      appendFileSync(log, `${JSON.stringify({ file, ms: ticks * 10 })}\n`);
    } catch {
      // Not Linux: the list shows wall time only.
    }
  });
}
