import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCommands } from '../../src/cli/command-table.js';

const names = async (firstWord?: string) => (await loadCommands(firstWord)).map((definition) => definition.name);

test('a command named by the first word is found in its own module, with nothing else built', async () => {
  const all = await names();
  assert.ok(all.length > 10, `every command: ${all.join(', ')}`);
  for (const name of all) {
    const first = name.split(' ')[0]!;
    assert.ok((await names(first)).includes(name), `${name} is found from "${first}"`);
  }
  assert.deepEqual(await names('serve'), ['serve']);
  assert.ok((await names('models')).every((name) => name.startsWith('models ')));
});

test('help, a typo or no command builds every command (for the help text and the suggestion)', async () => {
  const all = await names();
  for (const first of [undefined, '--help', 'help', 'serv', 'toString', '__proto__'])
    assert.deepEqual(await names(first), all, String(first));
});
