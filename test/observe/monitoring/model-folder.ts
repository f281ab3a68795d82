import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A copy of a model folder (model.onnx and the `model:` part of its berth.yaml) in a temp folder,
 * with `monitoring` appended to its berth.yaml and `files` written beside it — so each test picks
 * its own monitoring settings without touching the examples or fixtures.
 */
export async function modelFolder(
  source: string,
  monitoring: string,
  files: Record<string, string> = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-monitoring-'));
  await copyFile(join(source, 'model.onnx'), join(dir, 'model.onnx'));
  const yaml = await readFile(join(source, 'berth.yaml'), 'utf8');
  const model = yaml.includes('\nmonitoring:') ? yaml.slice(0, yaml.indexOf('\nmonitoring:')) : yaml;
  await writeFile(join(dir, 'berth.yaml'), `${model.replace(/\n#[^\n]*$/, '').trimEnd()}\n${monitoring}`);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** examples/iris with its reference.csv. */
export async function irisFolder(monitoring: string): Promise<string> {
  return modelFolder('examples/iris', monitoring, {
    'reference.csv': await readFile('examples/iris/reference.csv', 'utf8'),
  });
}
