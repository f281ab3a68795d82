import { fileURLToPath } from 'node:url';

/**
 * The node arguments that run the `berth` command of this checkout: under `npm test`, the bundle
 * that scripts/run-tests.mjs makes of the working tree at the start of the run (as
 * `npm run build` ships it); for a test file run on its own, src/ through tsx.
 */
export const berthCli: string[] = process.env.BERTH_TEST_CLI
  ? [process.env.BERTH_TEST_CLI]
  : ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url))];
