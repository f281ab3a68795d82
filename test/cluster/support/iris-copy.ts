import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** A copy of the iris example in `work/iris`, its berth.yaml given these `deploy:` settings. */
export async function irisWithDeploy(work: string, deploy: Record<string, unknown>): Promise<string> {
  const model = join(work, 'iris');
  await mkdir(model);
  for (const file of ['model.onnx', 'reference.csv']) await copyFile(join('examples/iris', file), join(model, file));
  const config = parse(await readFile('examples/iris/berth.yaml', 'utf8')) as Record<string, unknown>;
  await writeFile(join(model, 'berth.yaml'), stringify({ ...config, deploy }));
  return model;
}
