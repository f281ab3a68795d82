import { readFileSync } from 'node:fs';

/** Berth's own version, from package.json (shown in /v2 metadata, image labels, --version). */
export const berthVersion: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
