import protobuf from 'protobufjs/minimal.js';
import { errors } from '../core/errors.js';
import {
  LENGTH_DELIMITED,
  lengthDelimited,
  subFields,
  tag,
  textOf,
  VARINT,
  varintsOf,
  wireFields,
  type WireField,
} from './wire-fields.js';

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

/*
 * Field numbers from proto/onnx-ml.proto. The model is read field by field (wire-fields.ts), not
 * decoded whole: decoding the bench forest (8.9 MB, 500 trees) with protobufjs took 360–430 ms of
 * every start, and iris's first decode 50–60 ms with the schema's parsing and code generation.
 */
const MODEL = { producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8, metadataProps: 14 };
const GRAPH = { node: 1, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, ints: 8, strings: 9 };
const VALUE_INFO = { name: 1, type: 2 };
const OPSET = { domain: 1, version: 2 };
const ENTRY = { key: 1, value: 2 }; // StringStringEntryProto
const TYPE = { tensorType: 1 };
const TENSOR_TYPE = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIMENSION = { value: 1, param: 2 };
/** TypeProto's `value` oneof: every member but tensor_type (1) is a type onnxruntime-node cannot return. */
const NON_TENSOR_TYPES = new Map([
  [4, 'sequence'],
  [5, 'map'],
  [9, 'optional'],
  [8, 'sparse tensor'],
]);
const FLOAT = 1;

interface NodeOutline {
  field: WireField;
  name?: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: WireField[];
}

interface ModelOutline {
  fields: WireField[];
  graph: WireField;
  graphFields: WireField[];
  nodes: NodeOutline[];
  outputs: Array<{ field: WireField; name: string; kind?: string }>;
  producer: string;
  producerVersion: string;
  opsets: Record<string, number>;
  metadataProps: Record<string, string>;
}

export function inspectOnnx(bytes: Uint8Array, path: string): GraphFacts {
  let model: ModelOutline | undefined;
  try {
    model = outline(bytes);
  } catch (cause) {
    throw errors.modelInvalid(path, `not an ONNX protobuf (${(cause as Error).message})`);
  }
  if (!model) throw errors.modelInvalid(path, 'it has no graph');

  const zipmaps: GraphFacts['zipmaps'] = [];
  const replacements = new Map<WireField, Uint8Array>();
  for (const output of model.outputs) {
    if (!output.kind) continue;
    const producer = model.nodes.find((node) => node.outputs.includes(output.name));
    if (!producer || producer.opType !== 'ZipMap') throw errors.unsupportedOutput(output.name, output.kind);
    const classes = zipmapClasses(bytes, producer);
    // Identity keeps the public output name while exposing ZipMap's [N, classes] float input.
    replacements.set(
      producer.field,
      identityNode(producer.inputs[0]!, output.name, `${producer.name ?? 'ZipMap'}_berth_unwrapped`),
    );
    replacements.set(output.field, withTensorType(bytes, output.field, classes.length));
    zipmaps.push({ output: output.name, classes });
  }

  return {
    bytes: zipmaps.length > 0 ? spliceGraph(bytes, model, replacements) : bytes,
    producer: model.producer,
    producerVersion: model.producerVersion,
    opsets: model.opsets,
    zipmaps,
    metadataProps: model.metadataProps,
  };
}

/** What Berth needs of a ModelProto, or undefined when it has no graph. */
function outline(bytes: Uint8Array): ModelOutline | undefined {
  const fields = wireFields(bytes);
  const graph = fields.find((field) => field.number === MODEL.graph);
  if (!graph) return undefined;
  const text = (field: WireField | undefined) => (field ? textOf(bytes, field) : undefined);
  const opsets: Record<string, number> = {};
  const metadataProps: Record<string, string> = {};
  for (const field of fields) {
    if (field.number === MODEL.opsetImport) {
      const entry = subFields(bytes, field);
      const version = entry.find((part) => part.number === OPSET.version);
      opsets[text(entry.find((part) => part.number === OPSET.domain)) || 'ai.onnx'] = version
        ? varintsOf(bytes, version)[0]!
        : 0;
    } else if (field.number === MODEL.metadataProps) {
      const entry = subFields(bytes, field);
      metadataProps[text(entry.find((part) => part.number === ENTRY.key)) ?? ''] =
        text(entry.find((part) => part.number === ENTRY.value)) ?? '';
    }
  }
  const graphFields = subFields(bytes, graph);
  const nodes = graphFields
    .filter((field) => field.number === GRAPH.node)
    .map((field): NodeOutline => {
      const parts = subFields(bytes, field);
      const all = (number: number) => parts.filter((part) => part.number === number);
      return {
        field,
        name: text(all(NODE.name)[0]),
        opType: text(all(NODE.opType)[0]) ?? '',
        inputs: all(NODE.input).map((part) => textOf(bytes, part)),
        outputs: all(NODE.output).map((part) => textOf(bytes, part)),
        attributes: all(NODE.attribute),
      };
    });
  const outputs = graphFields
    .filter((field) => field.number === GRAPH.output)
    .map((field) => {
      const parts = subFields(bytes, field);
      const type = parts.find((part) => part.number === VALUE_INFO.type);
      const kind = type
        ? subFields(bytes, type)
            .map((part) => NON_TENSOR_TYPES.get(part.number))
            .find(Boolean)
        : undefined;
      return { field, name: text(parts.find((part) => part.number === VALUE_INFO.name)) ?? '', kind };
    });
  const producer = text(fields.find((field) => field.number === MODEL.producerName)) ?? '';
  const producerVersion = text(fields.find((field) => field.number === MODEL.producerVersion)) ?? '';
  return { fields, graph, graphFields, nodes, outputs, producer, producerVersion, opsets, metadataProps };
}

function zipmapClasses(bytes: Uint8Array, node: NodeOutline): Array<number | string> {
  const attributes = node.attributes.map((field) => subFields(bytes, field));
  const named = (name: string) =>
    attributes.find((parts) => parts.some((part) => part.number === ATTRIBUTE.name && textOf(bytes, part) === name)) ??
    [];
  const ints = named('classlabels_int64s')
    .filter((part) => part.number === ATTRIBUTE.ints)
    .flatMap((part) => varintsOf(bytes, part));
  if (ints.length > 0) return ints;
  return named('classlabels_strings')
    .filter((part) => part.number === ATTRIBUTE.strings)
    .map((part) => textOf(bytes, part));
}

const stringField = (writer: protobuf.Writer, number: number, value: string) =>
  writer.uint32(tag(number, LENGTH_DELIMITED)).string(value);
const subMessage = (writer: protobuf.Writer, number: number) => writer.uint32(tag(number, LENGTH_DELIMITED)).fork();

/** A NodeProto field (GraphProto.node): Identity from `input` to `output`. */
function identityNode(input: string, output: string, name: string): Uint8Array {
  const node = protobuf.Writer.create();
  stringField(node, NODE.input, input);
  stringField(node, NODE.output, output);
  stringField(node, NODE.name, name);
  stringField(node, NODE.opType, 'Identity');
  return lengthDelimited(GRAPH.node, [node.finish()]);
}

/** The output's ValueInfoProto with its type replaced by float tensor [N, classes]. */
function withTensorType(bytes: Uint8Array, output: WireField, classes: number): Uint8Array {
  const type = protobuf.Writer.create();
  subMessage(type, TYPE.tensorType).uint32(tag(TENSOR_TYPE.elemType, VARINT)).int32(FLOAT);
  subMessage(type, TENSOR_TYPE.shape);
  stringField(subMessage(type, SHAPE.dim), DIMENSION.param, 'N').ldelim();
  subMessage(type, SHAPE.dim).uint32(tag(DIMENSION.value, VARINT)).int64(classes).ldelim();
  type.ldelim().ldelim(); // shape, tensor_type
  const kept = subFields(bytes, output)
    .filter((part) => part.number !== VALUE_INFO.type)
    .map((part) => bytes.subarray(part.start, part.end));
  return lengthDelimited(GRAPH.output, [...kept, lengthDelimited(VALUE_INFO.type, [type.finish()])]);
}

/** The model's bytes with some of its graph's fields replaced; everything else is copied as it is. */
function spliceGraph(bytes: Uint8Array, model: ModelOutline, replacements: Map<WireField, Uint8Array>): Uint8Array {
  const graph = lengthDelimited(
    MODEL.graph,
    model.graphFields.map((field) => replacements.get(field) ?? bytes.subarray(field.start, field.end)),
  );
  return Buffer.concat(
    model.fields.map((field) => (field === model.graph ? graph : bytes.subarray(field.start, field.end))),
  );
}
