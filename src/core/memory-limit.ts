import { readFileSync } from 'node:fs';
import type { Settings } from './config.js';

/**
 * The memory limit of this process's container, in bytes, or undefined where none is set: cgroup
 * v2 `memory.max` of the process's own cgroup (/proc/self/cgroup, `0::/path`), then cgroup v1
 * `memory.limit_in_bytes`. Kubernetes writes the pod's `resources.limits.memory` there
 * (https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/).
 */
export function containerMemoryLimit(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): number | undefined {
  const attempt = (path: string) => {
    try {
      return read(path).trim();
    } catch {
      return undefined;
    }
  };
  const groups = attempt('/proc/self/cgroup') ?? '';
  const v2Path = /^0::(\/.*)$/m.exec(groups)?.[1];
  const v1Path = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(\/.*)$/m.exec(groups)?.[1];
  const candidates = [
    ...(v2Path ? [`/sys/fs/cgroup${v2Path === '/' ? '' : v2Path}/memory.max`] : []),
    '/sys/fs/cgroup/memory.max',
    ...(v1Path ? [`/sys/fs/cgroup/memory${v1Path === '/' ? '' : v1Path}/memory.limit_in_bytes`] : []),
    '/sys/fs/cgroup/memory/memory.limit_in_bytes',
  ];
  for (const path of candidates) {
    const text = attempt(path);
    if (text === undefined) continue;
    if (text === 'max') return undefined;
    const bytes = Number(text);
    // cgroup v1 writes a huge page-aligned number (2^63 rounded down) for "no limit".
    return Number.isSafeInteger(bytes) && bytes > 0 && bytes < 2 ** 60 ? bytes : undefined;
  }
  return undefined;
}

/**
 * How many request bytes the server holds at once (server.maxBodyBytesInFlight): as set, or two
 * bodies of the largest size, fewer where the container's memory limit cannot hold their parsed
 * form beside what the process already uses, but never less than one body, so every request
 * within the limits can be served. `berth manifests` measures the server at this budget.
 */
export function bodyBytesBudget(
  server: Settings['server'],
  maxBodyBytes: number,
  memoryLimit: number | undefined,
  rssBytes: number,
): number {
  if (server.maxBodyBytesInFlight > 0) return server.maxBodyBytesInFlight;
  const standard = 2 * maxBodyBytes;
  if (memoryLimit === undefined) return standard;
  const fits = Math.floor(((memoryLimit - rssBytes) * server.bodyMemoryShare) / server.memoryPerBodyByte);
  return Math.max(maxBodyBytes, Math.min(standard, fits));
}

/**
 * The gRPC receive budget (grpc.receiveBytesInFlight) and the largest message it lets in: as set,
 * or two of the largest message, fewer where the container's memory limit cannot hold them beside
 * what the process already uses; where it cannot hold even one, the largest message shrinks to what
 * it can, so one call cannot take the pod past its limit (grpc-js answers RESOURCE_EXHAUSTED).
 */
export function grpcReceiveBudget(
  settings: Pick<Settings, 'grpc' | 'server'>,
  memoryLimit: number | undefined,
  rssBytes: number,
): { receiveBytesInFlight: number; maxMessageBytes: number } {
  const { maxMessageBytes, receiveBytesInFlight, memoryPerMessageByte } = settings.grpc;
  if (receiveBytesInFlight > 0) return { receiveBytesInFlight, maxMessageBytes };
  const standard = 2 * maxMessageBytes;
  if (memoryLimit === undefined) return { receiveBytesInFlight: standard, maxMessageBytes };
  const fits = Math.floor(((memoryLimit - rssBytes) * settings.server.bodyMemoryShare) / memoryPerMessageByte);
  const budget = Math.max(64 * 1024, Math.min(standard, fits));
  return { receiveBytesInFlight: budget, maxMessageBytes: Math.min(maxMessageBytes, budget) };
}
