// `npm run docs:config`: writes docs/configuration.md and docs/berth.schema.json from the config
// schema (src/core/config/). test/core/config/reference-page.test.ts fails while they are stale.
import { writeFileSync } from 'node:fs';
import { berthYamlJsonSchema, configurationPage } from '../src/core/config/reference-page.js';

const docs = new URL('../docs/', import.meta.url);
writeFileSync(new URL('configuration.md', docs), configurationPage());
writeFileSync(new URL('berth.schema.json', docs), `${JSON.stringify(berthYamlJsonSchema(), null, 2)}\n`);
console.log('wrote docs/configuration.md and docs/berth.schema.json');
