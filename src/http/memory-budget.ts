import type { Settings } from '../core/config.js';

/**
 * How many request bytes the server holds at once (server.maxBodyBytesInFlight): as set, or four
 * bodies of the largest size, fewer where the container's memory limit (cgroup) cannot hold
 * their parsed form beside what the process already uses, but never less than one body, so
 * every request within the limits can be served.
 */
export function bodyBytesBudget(server: Settings['server'], maxBodyBytes: number, memoryLimit: number | undefined, rssBytes: number): number {
  if (server.maxBodyBytesInFlight > 0) return server.maxBodyBytesInFlight;
  const standard = 4 * maxBodyBytes;
  if (memoryLimit === undefined) return standard;
  const fits = Math.floor(((memoryLimit - rssBytes) * server.bodyMemoryShare) / server.memoryPerBodyByte);
  return Math.max(maxBodyBytes, Math.min(standard, fits));
}
