// `npm pack` puts package-lock.json beside package.json as npm-shrinkwrap.json (prepack) and removes
// it again (postpack). npm never packs package-lock.json, but it does pack and honour a shrinkwrap:
// `npm install -g berth-*.tgz` then installs exactly the dependency versions the tests ran with
// (from the npm cache alone when it holds them, as it does after `npm ci`), and `berth build`
// finds the lock file it needs for a reproducible image beside the installed package.
import { copyFileSync, rmSync } from 'node:fs';

const [action] = process.argv.slice(2);
if (action === 'write') copyFileSync('package-lock.json', 'npm-shrinkwrap.json');
else if (action === 'remove') rmSync('npm-shrinkwrap.json', { force: true });
else throw new Error(`usage: shrinkwrap.mjs write|remove (got ${action})`);
