import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/core/config.js';
import { bodyBytesBudget, containerMemoryLimit, grpcReceiveBudget } from '../../src/core/memory-limit.js';

const files = (entries: Record<string, string>) => (path: string) => {
  if (!(path in entries)) throw new Error(`ENOENT ${path}`);
  return entries[path]!;
};

describe('the container memory limit', () => {
  it('is cgroup v2 memory.max of the process cgroup, then v1 memory.limit_in_bytes; none when unlimited', () => {
    assert.equal(
      containerMemoryLimit(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': '536870912\n' })),
      512 * 2 ** 20,
    );
    assert.equal(
      containerMemoryLimit(
        files({
          '/proc/self/cgroup': '0::/kubepods/pod1/c1\n',
          '/sys/fs/cgroup/kubepods/pod1/c1/memory.max': '268435456\n',
        }),
      ),
      256 * 2 ** 20,
    );
    assert.equal(
      containerMemoryLimit(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': 'max\n' })),
      undefined,
    );
    assert.equal(
      containerMemoryLimit(
        files({
          '/proc/self/cgroup': '9:memory:/docker/abc\n4:cpu:/docker/abc\n',
          '/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes': '1073741824\n',
        }),
      ),
      2 ** 30,
    );
    assert.equal(
      containerMemoryLimit(
        files({
          '/proc/self/cgroup': '9:memory:/\n',
          '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n',
        }),
      ),
      undefined,
    );
    assert.equal(containerMemoryLimit(files({})), undefined);
  });

  it('sizes the body budget: as set, two bodies without a limit, fewer in a small container, never under one body', () => {
    const { settings } = resolveConfig({});
    const body = settings.limits.maxBodyBytes;
    assert.equal(bodyBytesBudget({ ...settings.server, maxBodyBytesInFlight: 12345 }, body, 2 ** 30, 0), 12345);
    assert.equal(bodyBytesBudget(settings.server, body, undefined, 0), 2 * body);
    assert.equal(
      bodyBytesBudget(settings.server, body, 8 * 2 ** 30, 100 * 2 ** 20),
      2 * body,
      'a large container keeps the standard budget',
    );
    const small = bodyBytesBudget(settings.server, body, 300 * 2 ** 20, 100 * 2 ** 20);
    assert.ok(small >= body && small < 2 * body, `a 300 MiB container holds fewer bodies (${small})`);
    assert.equal(
      bodyBytesBudget(settings.server, body, 120 * 2 ** 20, 119 * 2 ** 20),
      body,
      'never less than one body',
    );
  });

  it('sizes the gRPC receive budget: as set, two messages without a limit, and a smaller largest message where one does not fit', () => {
    const { settings } = resolveConfig({});
    const message = settings.grpc.maxMessageBytes;
    const mib = 2 ** 20;
    assert.deepEqual(
      grpcReceiveBudget({ ...settings, grpc: { ...settings.grpc, receiveBytesInFlight: mib } }, 2 ** 30, 0),
      {
        receiveBytesInFlight: mib,
        maxMessageBytes: message,
      },
    );
    assert.deepEqual(grpcReceiveBudget(settings, undefined, 0), {
      receiveBytesInFlight: 2 * message,
      maxMessageBytes: message,
    });
    assert.deepEqual(grpcReceiveBudget(settings, 8 * 2 ** 30, 100 * mib), {
      receiveBytesInFlight: 2 * message,
      maxMessageBytes: message,
    });
    // 256 MiB less 100 MiB in use, half of it for messages at 3 bytes of memory a byte: 26 MiB.
    const small = grpcReceiveBudget(settings, 256 * mib, 100 * mib);
    assert.equal(small.receiveBytesInFlight, Math.floor((156 * mib * 0.5) / 3));
    assert.equal(small.maxMessageBytes, small.receiveBytesInFlight, 'one message fits, however large');
  });
});
