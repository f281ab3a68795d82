import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { defaults } from '../../src/core/defaults.js';
import { errors } from '../../src/core/errors.js';
import { datatypes, type Datatype, type Tensor } from '../../src/core/tensor.js';
import { encodeInferResponse, fromWireParameters, grpcInferCodec } from '../../src/protocol/grpc-codec.js';
import { grpcCodeFor, toGrpcStatus } from '../../src/grpc/grpc-status.js';
import { dataToRaw, rawToData } from '../../src/protocol/tensor-bytes.js';
import { contentsToData, dataToContents } from '../../src/protocol/typed-contents.js';
import type { ModelMetadata } from '../../src/core/inference.js';
import { protoPath } from '../../src/grpc/proto.js';
import { rawStrings } from '../grpc/client.js';
import { decodeWith, signature } from '../helpers/codec.js';

/** protobufjs over the shipped proto, as grpc-js serializes with proto-loader. */
const Contents = new protobuf.Root()
  .loadSync(protoPath, { keepCase: true })
  .lookupType('inference.InferTensorContents');

const limits = defaults.limits;

/** Two elements of every OIP datatype, including each type's extremes. */
const samples: Record<Datatype, Tensor['data']> = {
  BOOL: new Uint8Array([1, 0]),
  UINT8: new Uint8Array([0, 255]),
  UINT16: new Uint16Array([0, 65535]),
  UINT32: new Uint32Array([0, 4294967295]),
  UINT64: new BigUint64Array([0n, 2n ** 64n - 1n]),
  INT8: new Int8Array([-128, 127]),
  INT16: new Int16Array([-32768, 32767]),
  INT32: new Int32Array([-2147483648, 2147483647]),
  INT64: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]),
  FP16: new Float32Array([1.5, -65504]),
  FP32: new Float32Array([3.4028234663852886e38, -1.1754943508222875e-38]),
  FP64: new Float64Array([Math.PI, -Number.MAX_VALUE]),
  BYTES: ['héllo', ''],
};

const catalogueCode = (factory: { code: string }) => (error: unknown) =>
  (error as { code?: string }).code === factory.code;

describe('raw contents', () => {
  for (const datatype of datatypes) {
    it(`${datatype} round-trips through raw bytes`, () => {
      const data = samples[datatype];
      const raw = dataToRaw({ datatype, data });
      const back = rawToData(Buffer.from(raw), datatype, [2], 'x');
      assert.deepEqual(Array.from(back as ArrayLike<unknown>), Array.from(data as ArrayLike<unknown>));
    });
  }

  it('is little-endian with no padding', () => {
    assert.deepEqual(
      [...dataToRaw({ datatype: 'INT32', data: new Int32Array([1, -2]) })],
      [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff],
    );
    assert.deepEqual([...dataToRaw({ datatype: 'FP16', data: new Float32Array([1]) })], [0x00, 0x3c]);
  });

  it('writes BYTES as a 4-byte little-endian length before each element (Triton layout)', () => {
    const raw = Buffer.from(dataToRaw({ datatype: 'BYTES', data: ['ab', 'é'] }));
    assert.deepEqual([...raw], [2, 0, 0, 0, 0x61, 0x62, 2, 0, 0, 0, 0xc3, 0xa9]);
    assert.deepEqual(rawToData(rawStrings(['ab', 'é']), 'BYTES', [1, 2], 'x'), ['ab', 'é']);
  });

  it('decodes from an unaligned slice of a larger buffer', () => {
    const carrier = Buffer.alloc(13);
    carrier.writeDoubleLE(2.5, 1);
    carrier.writeFloatLE(-1, 9);
    assert.deepEqual([...(rawToData(carrier.subarray(1, 9), 'FP64', [1], 'x') as Float64Array)], [2.5]);
    assert.deepEqual([...(rawToData(carrier.subarray(9, 13), 'FP32', [1], 'x') as Float32Array)], [-1]);
  });

  it('refuses a size that does not match the shape, naming both', () => {
    assert.throws(
      () => rawToData(Buffer.alloc(12), 'FP32', [2, 2], 'float_input'),
      (error: Error) =>
        catalogueCode(errors.rawSizeMismatch)(error) && /12 bytes; FP32 of shape \[2,2\] needs 16/.test(error.message),
    );
  });

  it('refuses malformed BYTES: short prefix, overrun, left-over bytes, invalid UTF-8, huge shapes', () => {
    const bad = catalogueCode(errors.badRawBytes);
    assert.throws(() => rawToData(Buffer.from([5, 0, 0, 0, 0x61]), 'BYTES', [1], 'plan'), bad);
    assert.throws(() => rawToData(Buffer.concat([rawStrings(['a']), Buffer.from([0])]), 'BYTES', [1], 'plan'), bad);
    assert.throws(() => rawToData(rawStrings(['a']), 'BYTES', [2], 'plan'), bad);
    assert.throws(() => rawToData(rawStrings(['a']), 'BYTES', [1e9], 'plan'), bad);
    assert.throws(
      () => rawToData(Buffer.from([1, 0, 0, 0, 0xff]), 'BYTES', [1], 'plan'),
      catalogueCode(errors.badValue),
    );
  });

  it('refuses BOOL bytes other than 0 and 1', () => {
    assert.throws(() => rawToData(Buffer.from([1, 2]), 'BOOL', [2], 'flag'), catalogueCode(errors.badValue));
  });
});

describe('typed contents', () => {
  for (const datatype of datatypes.filter((type) => type !== 'FP16')) {
    it(`${datatype} round-trips through its contents field on the wire`, () => {
      const data = samples[datatype];
      const wire = Contents.toObject(
        Contents.decode(Contents.encode(Contents.fromObject(dataToContents({ datatype, data }))).finish()),
        { longs: String, arrays: true },
      );
      const back = contentsToData(wire, datatype, 'x');
      assert.deepEqual(Array.from(back as ArrayLike<unknown>), Array.from(data as ArrayLike<unknown>));
    });
  }

  it('range-checks INT8 values carried in int_contents', () => {
    assert.throws(
      () => contentsToData({ int_contents: [1, 300] }, 'INT8', 'x'),
      (error: Error) =>
        catalogueCode(errors.badValue)(error) &&
        /value 1 of `x` must be an integer from -128 to 127/.test(error.message),
    );
  });

  it('names the right field when values are in the wrong one', () => {
    assert.throws(
      () => contentsToData({ int_contents: [1, 2], fp32_contents: [] }, 'FP32', 'float_input'),
      (error: Error) =>
        /values of `float_input` \(FP32\) belong in contents.fp32_contents, got contents.int_contents/.test(
          error.message,
        ),
    );
  });

  it('refuses FP16 typed contents: the spec has no field for it', () => {
    assert.throws(() => contentsToData({ fp32_contents: [1] }, 'FP16', 'half'), catalogueCode(errors.fp16NeedsRaw));
  });
});

describe('ModelInferRequest decoding', () => {
  const input = { name: 'x', datatype: 'FP32', shape: ['1', '2'], contents: { fp32_contents: [1, 2] } };
  const model = signature(
    'm',
    [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
    [{ name: 'y', datatype: 'FP32', shape: [-1] }],
  );
  const decode = (message: object) => decodeWith(grpcInferCodec, { model_name: 'm', ...message }, model, { limits });
  const answer = { outputs: [{ name: 'y', datatype: 'FP32' as const, shape: [1], data: new Float32Array([3]) }] };
  /** Whether the reply to a decoded request is raw. */
  const rawReply = (message: object) => {
    const { request, encode } = decode(message);
    return encode(answer, request).raw_output_contents.length > 0;
  };

  it('decodes typed inputs, id, outputs and parameters', () => {
    const { request } = decode({
      model_version: '3',
      id: 'r1',
      inputs: [input],
      outputs: [{ name: 'y' }],
      parameters: { n: { parameter_choice: 'int64_param', int64_param: '7' } },
    });
    assert.deepEqual(request.outputs, ['y']);
    assert.equal(request.id, 'r1');
    assert.deepEqual(request.parameters, { n: 7 });
    assert.deepEqual(request.inputs[0]!.shape, [1, 2]);
    assert.deepEqual([...(request.inputs[0]!.data as Float32Array)], [1, 2]);
    assert.equal(rawReply({ inputs: [input] }), false);
  });

  it('answers raw when asked raw, unless binary_data_output says otherwise', () => {
    const raw = {
      inputs: [{ ...input, contents: null }],
      raw_input_contents: [dataToRaw({ datatype: 'FP32', data: new Float32Array([1, 2]) })],
    };
    assert.equal(rawReply(raw), true);
    assert.equal(
      rawReply({ ...raw, parameters: { binary_data_output: { parameter_choice: 'bool_param', bool_param: false } } }),
      false,
    );
    assert.equal(
      rawReply({
        inputs: [input],
        parameters: { binary_data_output: { parameter_choice: 'bool_param', bool_param: true } },
      }),
      true,
    );
  });

  it('refuses raw and typed contents together, and a raw count that differs from the inputs', () => {
    const raw = dataToRaw({ datatype: 'FP32', data: new Float32Array([1, 2]) });
    assert.throws(() => decode({ inputs: [input], raw_input_contents: [raw] }), catalogueCode(errors.mixedContents));
    assert.throws(
      () => decode({ inputs: [{ ...input, contents: null }], raw_input_contents: [raw, raw] }),
      catalogueCode(errors.rawContentsCount),
    );
  });

  it('refuses no inputs, unknown datatypes, bad shapes and oversized shapes before allocating', () => {
    assert.throws(() => decode({ inputs: [] }), /`inputs` must be/);
    assert.throws(() => decode({ inputs: [{ ...input, datatype: 'FP8' }] }), catalogueCode(errors.unknownDatatype));
    assert.throws(() => decode({ inputs: [{ ...input, shape: ['-1', '2'] }] }), catalogueCode(errors.badShape));
    assert.throws(
      () =>
        decode({ inputs: [{ ...input, shape: ['100000000', '100000000'] }], raw_input_contents: [Buffer.alloc(0)] }),
      catalogueCode(errors.tooManyValues),
    );
  });

  it('checks each input against the signature as it decodes it', () => {
    assert.throws(() => decode({ inputs: [{ ...input, name: 'z' }] }), catalogueCode(errors.unknownInput));
    assert.throws(
      () => decode({ inputs: [{ ...input, datatype: 'FP64', contents: { fp64_contents: [1, 2] } }] }),
      catalogueCode(errors.wrongDatatype),
    );
    assert.throws(
      () => decode({ inputs: [{ ...input, shape: ['1', '3'], contents: { fp32_contents: [1, 2, 3] } }] }),
      catalogueCode(errors.wrongShape),
    );
    assert.throws(
      () => decode({ inputs: [input], outputs: [{ name: 'y' }, { name: 'y' }] }),
      catalogueCode(errors.duplicateOutput),
    );
  });
});

describe('ModelInferResponse encoding', () => {
  const model = { name: 'm', version: '1' } as ModelMetadata;
  const outputs: Tensor[] = [{ name: 'label', datatype: 'INT64', shape: [2], data: new BigInt64Array([0n, 2n]) }];

  it('is typed by default and echoes id and version', () => {
    const reply = encodeInferResponse(model, { id: 'r1', inputs: [] }, { outputs }, false);
    assert.deepEqual(reply, {
      model_name: 'm',
      model_version: '1',
      id: 'r1',
      outputs: [{ name: 'label', datatype: 'INT64', shape: [2], contents: { int64_contents: ['0', '2'] } }],
      raw_output_contents: [],
    });
  });

  it('is raw when asked, and always when an output is FP16', () => {
    assert.equal(encodeInferResponse(model, { inputs: [] }, { outputs }, true).raw_output_contents.length, 1);
    const half = encodeInferResponse(
      model,
      { inputs: [] },
      { outputs: [...outputs, { name: 'h', datatype: 'FP16', shape: [1], data: new Float32Array([1]) }] },
      false,
    );
    assert.equal(half.raw_output_contents.length, 2);
    assert.ok(half.outputs.every((output) => output.contents === undefined));
  });
});

describe('gRPC status mapping', () => {
  it('maps catalogue statuses to gRPC codes', () => {
    assert.equal(grpcCodeFor(400), status.INVALID_ARGUMENT);
    assert.equal(grpcCodeFor(401), status.UNAUTHENTICATED);
    assert.equal(grpcCodeFor(404), status.NOT_FOUND);
    assert.equal(grpcCodeFor(413), status.RESOURCE_EXHAUSTED);
    assert.equal(grpcCodeFor(503), status.UNAVAILABLE);
    assert.equal(grpcCodeFor(504), status.DEADLINE_EXCEEDED);
    assert.equal(grpcCodeFor(500), status.INTERNAL);
  });

  it('keeps the catalogue message, and hides unexpected errors behind a request id', () => {
    const logged: unknown[] = [];
    const logger = { error: (entry: unknown) => logged.push(entry) } as never;
    const known = toGrpcStatus(errors.unknownModel('iris'), 'r1', logger);
    assert.deepEqual([known.code, known.details], [status.NOT_FOUND, 'unknown model `iris`']);
    const unknown = toGrpcStatus(new Error('secret stack'), 'r2', logger);
    assert.equal(unknown.code, status.INTERNAL);
    assert.match(unknown.details, /internal error \(request id r2\)/);
    assert.equal(logged.length, 1);
  });

  it('passes typed parameters through as plain values', () => {
    assert.deepEqual(
      fromWireParameters({
        a: { parameter_choice: 'bool_param', bool_param: true },
        b: { parameter_choice: 'uint64_param', uint64_param: '18446744073709551615' },
        c: { parameter_choice: 'string_param', string_param: 's' },
      }),
      { a: true, b: '18446744073709551615', c: 's' },
    );
  });
});
