import { readFile } from 'node:fs/promises';
import type { TensorSpec } from '../core/tensor.js';
import { defaults } from '../core/defaults.js';
import { inspectOnnx } from './onnx-graph.js';
import { createOnnxRuntime } from './onnx.js';

/** What the registry records about an ONNX file (registry/metadata.ts ModelFacts). */
export interface OnnxDescription {
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  producer: { name: string; version: string };
  opsets: Record<string, number>;
}

/**
 * Signature, producer and opsets of an ONNX file: loads it in onnxruntime (as the server will, ZipMap
 * rewrite included, so the recorded signature is the served one), then unloads it.
 */
export async function describeOnnxModel(path: string): Promise<OnnxDescription> {
  const facts = inspectOnnx(await readFile(path), path);
  const runtime = createOnnxRuntime({ path, name: 'register', version: '0' }, defaults.onnx);
  await runtime.load();
  try {
    const { inputs, outputs } = runtime.metadata();
    return {
      signature: { inputs, outputs },
      producer: { name: facts.producer, version: facts.producerVersion },
      opsets: facts.opsets,
    };
  } finally {
    await runtime.unload();
  }
}
