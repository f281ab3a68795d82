import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describeOnnxModel } from '../../src/runtime/describe-onnx.js';

/** Shared pieces of the registry tests: temp repositories and real ONNX models. */

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const describe = describeOnnxModel;

/** A fresh folder under the OS temp dir; `cleanup` removes it. */
export async function tempFolder(label = 'berth-registry-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), label));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A real model folder from test/fixtures/models (made by scripts/fixtures/): sk-forest-int has a
 * berth.yaml with features and labels. Undefined when the fixtures have not been generated.
 */
export function fixtureFolder(name = 'sk-forest-int'): string | undefined {
  const folder = join(projectRoot, 'test/fixtures/models', name);
  return existsSync(join(folder, 'model.onnx')) ? folder : undefined;
}

/**
 * A tiny real ONNX model, `Y = X + offset` (float [N,2]), written to `folder/<file>`. Each offset
 * gives different bytes, so versions differ; onnxruntime loads it like any exported model.
 */
export async function writeTinyModel(folder: string, offset: number, file = `tiny-${offset}.onnx`): Promise<string> {
  const proto = readFileSync(join(projectRoot, 'proto/onnx-ml.proto'), 'utf8');
  const Model = protobuf.parse(proto, { keepCase: true }).root.lookupType('onnx.ModelProto');
  const tensorType = { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'N' }, { dim_value: 2 }] } } };
  const model = Model.fromObject({
    ir_version: 8,
    producer_name: 'berth-tests',
    producer_version: '1',
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny',
      node: [{ op_type: 'Add', input: ['X', 'B'], output: ['Y'], name: 'add' }],
      initializer: [{ name: 'B', data_type: 1, dims: [2], float_data: [offset, offset] }],
      input: [{ name: 'X', type: tensorType }],
      output: [{ name: 'Y', type: tensorType }],
    },
  });
  const path = join(folder, file);
  await writeFile(path, Model.encode(model).finish());
  return path;
}

/** Path of the child-process helper that registers with test hooks. */
export const registerChild = join(projectRoot, 'test/registry/register-child.ts');

/** A temp folder with an empty repository path and a tiny model in it: the setup most registry tests share. */
export async function repositoryWorkspace(): Promise<{
  work: Awaited<ReturnType<typeof tempFolder>>;
  repository: string;
  model: string;
}> {
  const work = await tempFolder();
  return { work, repository: join(work.path, 'repo'), model: await writeTinyModel(work.path, 1) };
}
