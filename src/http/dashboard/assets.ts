import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  contentType: string;
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The page's scripts, stylesheet and icon, from `static/` beside this module (the build copies it
 * to dist/). Read once, on first use; only plain files with a known type are served, looked up by
 * exact name, so no request path can reach anything else.
 */
export const staticDir = fileURLToPath(new URL('./static/', import.meta.url));

let loading: Promise<Map<string, Asset>> | undefined;

export function dashboardAssets(dir: string = staticDir): Promise<Map<string, Asset>> {
  if (dir !== staticDir) return load(dir);
  loading ??= load(dir).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(dir: string): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const contentType = contentTypes[extname(entry.name)];
    if (entry.isFile() && contentType)
      assets.set(entry.name, { body: await readFile(join(dir, entry.name)), contentType });
  }
  return assets;
}
