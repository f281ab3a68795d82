import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { errors } from '../core/errors.js';

/**
 * Reads and, where needed, rewrites an ONNX ModelProto (proto/onnx-ml.proto, the ML flavour that
 * defines sequence and map types) before onnxruntime sees it.
 *
 * Why: skl2onnx exports classifiers with a ZipMap node by default, whose output is
 * seq(map(label, float)). onnxruntime-node converts only tensors ("Non tensor type is temporarily
 * not supported", onnxruntime#8007), so such a model could not answer with probabilities. ZipMap
 * only re-packages its input tensor [N, classes] with the class labels, so we drop the node, wire
 * its input to the output name through Identity, and keep the labels (in column order) ourselves.
 */
export interface GraphFacts {
  /** The bytes to load: the original file, or the rewritten graph. */
  bytes: Uint8Array;
  producer: string;
  producerVersion: string;
  opsets: Record<string, number>;
  /** Outputs whose ZipMap was unwrapped, with ZipMap's class labels in column order. */
  zipmaps: Array<{ output: string; classes: Array<number | string> }>;
  /** metadata_props of the model (e.g. author-supplied documentation). */
  metadataProps: Record<string, string>;
}

// Held weakly: models load at start and seldom after, and the parsed schema with its generated
// decoder is ~0.8 MB of heap (measured) that an idle server need not keep. Parsing again costs
// ~20–50 ms on a later load.
let modelType: WeakRef<protobuf.Type> | undefined;

function loadModelType(): protobuf.Type {
  const cached = modelType?.deref();
  if (cached) return cached;
  const protoPath = fileURLToPath(new URL('../../proto/onnx-ml.proto', import.meta.url));
  const type = protobuf.parse(readFileSync(protoPath, 'utf8'), { keepCase: true }).root.lookupType('onnx.ModelProto');
  modelType = new WeakRef(type);
  return type;
}

/* Minimal shapes of the decoded protobuf messages we touch. */
interface Dim { dim_value?: unknown; dim_param?: string }
interface TypeProto { tensor_type?: { elem_type?: number; shape?: { dim?: Dim[] } }; sequence_type?: unknown; map_type?: unknown; optional_type?: unknown; sparse_tensor_type?: unknown }
interface ValueInfo { name: string; type?: TypeProto }
interface Attribute { name: string; ints?: unknown[]; strings?: Uint8Array[] }
interface Node { op_type: string; domain?: string; input: string[]; output: string[]; attribute?: Attribute[]; name?: string }
interface Graph { node: Node[]; output: ValueInfo[]; input: ValueInfo[]; value_info?: ValueInfo[] }
interface Model { graph?: Graph; producer_name?: string; producer_version?: string; opset_import?: Array<{ domain?: string; version?: unknown }>; metadata_props?: Array<{ key: string; value: string }> }

const FLOAT = 1;

export function inspectOnnx(bytes: Uint8Array, path: string): GraphFacts {
  const type = loadModelType();
  let model: Model;
  try {
    model = type.decode(bytes) as unknown as Model;
  } catch (cause) {
    throw errors.modelInvalid(path, `not an ONNX protobuf (${(cause as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || !Array.isArray(graph.node)) throw errors.modelInvalid(path, 'it has no graph');

  const zipmaps: GraphFacts['zipmaps'] = [];
  for (const output of graph.output) {
    const kind = nonTensorKind(output.type);
    if (!kind) continue;
    const producerIndex = graph.node.findIndex((node) => node.output.includes(output.name));
    const producer = graph.node[producerIndex];
    if (!producer || producer.op_type !== 'ZipMap') throw errors.unsupportedOutput(output.name, kind);
    const classes = zipmapClasses(producer);
    const source = producer.input[0]!;
    // Identity keeps the public output name while exposing ZipMap's [N, classes] float input.
    graph.node[producerIndex] = { op_type: 'Identity', domain: '', input: [source], output: [output.name], name: `${producer.name ?? 'ZipMap'}_berth_unwrapped` };
    output.type = { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: 'N' }, { dim_value: classes.length }] } } };
    zipmaps.push({ output: output.name, classes });
  }

  const opsets: Record<string, number> = {};
  for (const entry of model.opset_import ?? []) opsets[entry.domain || 'ai.onnx'] = Number(entry.version);
  const metadataProps: Record<string, string> = {};
  for (const { key, value } of model.metadata_props ?? []) metadataProps[key] = value;

  return {
    bytes: zipmaps.length > 0 ? type.encode(model as object).finish() : bytes,
    producer: model.producer_name ?? '',
    producerVersion: model.producer_version ?? '',
    opsets,
    zipmaps,
    metadataProps,
  };
}

function nonTensorKind(type: TypeProto | undefined): string | undefined {
  if (!type) return undefined;
  if (type.sequence_type) return 'sequence';
  if (type.map_type) return 'map';
  if (type.optional_type) return 'optional';
  if (type.sparse_tensor_type) return 'sparse tensor';
  return undefined;
}

function zipmapClasses(node: Node): Array<number | string> {
  const ints = node.attribute?.find((attribute) => attribute.name === 'classlabels_int64s')?.ints;
  if (ints && ints.length > 0) return ints.map((value) => Number(value));
  const strings = node.attribute?.find((attribute) => attribute.name === 'classlabels_strings')?.strings;
  if (strings && strings.length > 0) return strings.map((value) => Buffer.from(value).toString('utf8'));
  return [];
}
