// `npm run generate` (also `npm run docs:config`): writes the files generated from code: the
// configuration reference and berth.yaml's JSON Schema (from the config schema), and the
// dashboard's metric names (from core/metric-names.ts). Tests fail while any of them is stale.
import { writeFileSync } from 'node:fs';
import { berthYamlJsonSchema, configurationPage } from '../src/core/config/reference-page.js';
import { metricNamesModule } from '../src/http/dashboard/metric-names-module.js';

const files: Array<[string, string]> = [
  ['docs/configuration.md', configurationPage()],
  ['docs/berth.schema.json', `${JSON.stringify(berthYamlJsonSchema(), null, 2)}\n`],
  ['src/http/dashboard/static/metric-names.js', metricNamesModule()],
];
for (const [path, text] of files) writeFileSync(new URL(`../${path}`, import.meta.url), text);
console.log(`wrote ${files.map(([path]) => path).join(', ')}`);
