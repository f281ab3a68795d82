import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { errors } from '../../src/core/errors.js';
import { inspectOnnx } from '../../src/runtime/onnx-graph.js';

// The full schema decodes what inspectOnnx only walks, to check its reading and its splicing.
const Model = protobuf
  .parse(readFileSync('proto/onnx-ml.proto', 'utf8'), { keepCase: true })
  .root.lookupType('onnx.ModelProto');
const decode = (bytes: Uint8Array) =>
  Model.toObject(Model.decode(bytes), { longs: Number, bytes: String }) as {
    producer_name: string;
    opset_import: Array<{ domain?: string; version: number }>;
    graph: {
      node: Array<{ op_type: string; input: string[]; output: string[]; name?: string }>;
      output: Array<{ name: string; type: unknown }>;
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };

test('a ZipMap output is unwrapped: Identity in its place, a float [N, classes] tensor type, everything else decodes as before', () => {
  const original = readFileSync('test/fixtures/models/sk-tree-strings/model.onnx');
  const facts = inspectOnnx(original, 'model.onnx');
  const before = decode(original);
  const after = decode(facts.bytes);

  const zipmapAt = before.graph.node.findIndex((node) => node.op_type === 'ZipMap');
  const zipmap = before.graph.node[zipmapAt]!;
  assert.equal(facts.zipmaps.length, 1);
  assert.equal(facts.zipmaps[0]!.output, zipmap.output[0]);
  assert.ok(
    facts.zipmaps[0]!.classes.every((label) => typeof label === 'string'),
    'string class labels are read as strings',
  );
  assert.deepEqual(after.graph.node[zipmapAt], {
    op_type: 'Identity',
    input: [zipmap.input[0]],
    output: zipmap.output,
    name: `${zipmap.name}_berth_unwrapped`,
  });

  const outputAt = before.graph.output.findIndex((output) => output.name === zipmap.output[0]);
  const classes = facts.zipmaps[0]!.classes.length;
  assert.deepEqual(after.graph.output[outputAt]!.type, {
    tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'N' }, { dim_value: classes }] } },
  });

  // Everything else decodes exactly as before.
  before.graph.node.splice(zipmapAt, 1);
  after.graph.node.splice(zipmapAt, 1);
  before.graph.output.splice(outputAt, 1);
  after.graph.output.splice(outputAt, 1);
  assert.deepEqual(after, before);
});

test('integer class labels, producer, opsets and metadata are read', () => {
  const bytes = readFileSync('test/fixtures/models/sk-forest-int/model.onnx');
  const facts = inspectOnnx(bytes, 'model.onnx');
  const model = decode(bytes);
  assert.ok(
    facts.zipmaps[0]!.classes.length > 1 && facts.zipmaps[0]!.classes.every((label) => Number.isInteger(label)),
  );
  assert.equal(facts.producer, model.producer_name);
  assert.deepEqual(
    facts.opsets,
    Object.fromEntries(model.opset_import.map((entry) => [entry.domain || 'ai.onnx', entry.version])),
  );
});

test('a model without ZipMap is passed through as the same bytes, however large', () => {
  const bytes = readFileSync('test/fixtures/models/bench-forest/model.onnx');
  const facts = inspectOnnx(bytes, 'model.onnx');
  assert.equal(facts.bytes, bytes);
  assert.deepEqual(facts.zipmaps, []);
});

test('metadata_props are read', () => {
  const bytes = Model.encode(
    Model.fromObject({
      ir_version: 8,
      graph: { name: 'g' },
      metadata_props: [
        { key: 'author', value: 'berth ✓' },
        { key: 'empty', value: '' },
      ],
    }),
  ).finish();
  assert.deepEqual(inspectOnnx(bytes, 'model.onnx').metadataProps, { author: 'berth ✓', empty: '' });
});

test('bytes that are not an ONNX model are refused with BERTH_MODEL_INVALID', () => {
  const invalid = (bytes: Uint8Array, detail: RegExp) =>
    assert.throws(
      () => inspectOnnx(bytes, 'model.onnx'),
      (error: Error & { code?: string }) => error.code === errors.modelInvalid.code && detail.test(error.message),
    );
  invalid(Buffer.from('# a README, not a model\n'), /not an ONNX protobuf/);
  invalid(Buffer.from([0x3a, 0x7f, 0x01]), /not an ONNX protobuf/); // graph field claiming 127 bytes, 1 present
  invalid(Model.encode(Model.fromObject({ ir_version: 8, producer_name: 'no graph' })).finish(), /it has no graph/);
});
