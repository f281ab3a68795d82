import { readFileSync } from 'node:fs';

/**
 * The memory limit of this process's container, in bytes, or undefined where none is set: cgroup
 * v2 `memory.max` of the process's own cgroup (/proc/self/cgroup, `0::/path`), then cgroup v1
 * `memory.limit_in_bytes`. Kubernetes writes the pod's `resources.limits.memory` there
 * (https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/).
 */
export function containerMemoryLimit(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): number | undefined {
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
