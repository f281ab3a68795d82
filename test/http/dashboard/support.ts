import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { staticDir } from '../../../src/http/dashboard/assets.js';

/**
 * Imports one of the dashboard's browser modules (plain JS, typed by JSDoc and checked by
 * `npm run typecheck`, tsconfig.dashboard.json). The pure ones (parsing, PromQL-like math) run in Node as they are.
 */
export async function loadStatic(file: string): Promise<any> {
  return import(pathToFileURL(join(staticDir, file)).href);
}
