// A node:test reporter (used by scripts/run-tests.mjs): at the end of the run, writes one JSON object
// { "<test file>": milliseconds } with each file's wall time, from its start to its last test's end.
// Node reports every file of a `--test` run as a top-level test named by the file's path.
export default async function* fileDurations(source) {
  const durations = {};
  for await (const event of source) {
    const { name, file, details } = event.data ?? {};
    if (event.type === 'test:complete' && file !== undefined && name === file && details?.duration_ms !== undefined) {
      durations[file] = Math.round(details.duration_ms);
    }
  }
  yield JSON.stringify(durations);
}
