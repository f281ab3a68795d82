import { isAbsolute, resolve } from 'node:path';
import { defaults } from './defaults.js';
import { errors } from './errors.js';

type Section = Record<string, unknown>;

/**
 * berth.yaml `monitoring:` (parse → normalize → rules). Every key mirrors `defaults.monitoring`,
 * so the accepted keys and their types are read from that one object rather than listed twice:
 *
 *   monitoring:
 *     reference: reference.csv        # file-served model: profiled at load
 *     drift: { psiThreshold: 0.2, ksPValueThreshold: 0.01, ksStatisticThreshold: 0.1, windowRows: 10000 }
 *     feedback: { windowSeconds: 86400 }
 *     payloadLog: { dir: logs, sampleRate: 0.1, sink: { url: http://collector/, mode: structured } }
 *
 * Paths are relative to the berth.yaml (`baseDir`). A `payloadLog:` mapping turns payload logging
 * on unless it says `enabled: false`.
 */
export function parseMonitoringSection(raw: unknown, current: Section, baseDir?: string): Section {
  if (raw === undefined || raw === null) return current;
  const parsed = overlay(normalize(raw), current, defaults.monitoring as unknown as Section, 'monitoring');
  const payloadLog = parsed.payloadLog as Section;
  const rawPayloadLog = (raw as Section).payloadLog;
  if (rawPayloadLog && typeof rawPayloadLog === 'object' && (rawPayloadLog as Section).enabled === undefined) payloadLog.enabled = true;
  const at = (path: string) => (baseDir === undefined || isAbsolute(path) ? path : resolve(baseDir, path));
  if (typeof (raw as Section).reference === 'string' && parsed.reference !== '') parsed.reference = at(parsed.reference as string);
  if ((rawPayloadLog as Section | undefined)?.dir !== undefined) payloadLog.dir = at(payloadLog.dir as string);
  checkRules(parsed);
  return parsed;
}

/** `payloadLog.sink: {url, mode, …}` is the readable spelling of the flat `sinkUrl`, `sinkMode`… */
function normalize(raw: unknown): unknown {
  if (!isMapping(raw)) return raw;
  const payloadLog = (raw as Section).payloadLog;
  if (!isMapping(payloadLog) || !('sink' in (payloadLog as Section))) return raw;
  const { sink, ...rest } = payloadLog as Section;
  if (!isMapping(sink)) throw errors.badConfig('monitoring.payloadLog.sink', 'must be a mapping such as {url: http://collector:8080/, mode: binary}');
  const flat: Section = { ...rest };
  for (const [key, value] of Object.entries(sink as Section)) flat[`sink${key[0]!.toUpperCase()}${key.slice(1)}`] = value;
  return { ...(raw as Section), payloadLog: flat };
}

function overlay(raw: unknown, current: Section, shape: Section, where: string): Section {
  if (!isMapping(raw)) throw errors.badConfig(where, 'must be a mapping');
  const out: Section = { ...current };
  for (const [key, value] of Object.entries(raw as Section)) {
    const path = `${where}.${key.replace(/^sink([A-Z])/, (_, c: string) => `sink.${c.toLowerCase()}`)}`;
    if (!Object.hasOwn(shape, key)) throw errors.badConfig(path, `is not a monitoring setting; known: ${Object.keys(shape).join(', ')}`);
    if (value === undefined || value === null) continue;
    const model = shape[key];
    if (isMapping(model)) out[key] = overlay(value, current[key] as Section, model as Section, path);
    else out[key] = coerce(value, model, path, key);
  }
  return out;
}

const enums: Record<string, readonly string[]> = { sinkMode: ['binary', 'structured'], sinkEventTypes: ['kserve', 'berth'] };

function coerce(value: unknown, model: unknown, where: string, key: string): unknown {
  if (enums[key]) {
    if (!enums[key]!.includes(String(value))) throw errors.badConfig(where, `expected one of ${enums[key]!.join(', ')}, got ${JSON.stringify(value)}`);
    return String(value);
  }
  if (typeof model === 'boolean') {
    if (typeof value !== 'boolean') throw errors.badConfig(where, `expected true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  if (typeof model === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw errors.badConfig(where, `expected a non-negative number, got ${JSON.stringify(value)}`);
    if (Number.isInteger(model) && !fractional.has(key) && !Number.isInteger(value)) throw errors.badConfig(where, `expected a whole number, got ${value}`);
    return value;
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw errors.badConfig(where, `expected a string, got ${JSON.stringify(value)}`);
  return String(value);
}

/** Number settings whose default happens to be whole but which take fractions. */
const fractional = new Set(['sampleRate', 'windowSeconds', 'reportIntervalSeconds', 'reportCacheSeconds', 'psiThreshold', 'ksStatisticThreshold', 'errorRatio', 'minAccuracy', 'sloP99Ms']);

function checkRules(monitoring: Section): void {
  const drift = monitoring.drift as Record<string, number>;
  const feedback = monitoring.feedback as Record<string, number>;
  const payloadLog = monitoring.payloadLog as Record<string, number | string | boolean>;
  const rule = (ok: boolean, where: string, detail: string) => {
    if (!ok) throw errors.badConfig(`monitoring.${where}`, detail);
  };
  for (const key of ['ksPValueThreshold', 'chi2PValueThreshold', 'psiEpsilon'] as const) rule(drift[key]! > 0 && drift[key]! < 1, `drift.${key}`, 'must be between 0 and 1 (exclusive)');
  rule(drift.ksStatisticThreshold! < 1, 'drift.ksStatisticThreshold', 'must be below 1 (the KS statistic is at most 1)');
  rule(drift.bins! >= 2, 'drift.bins', 'must be at least 2');
  for (const key of ['windowRows', 'referenceSampleSize', 'maxCategories', 'reportChunkFeatures'] as const) rule(drift[key]! >= 1, `drift.${key}`, 'must be at least 1');
  for (const key of ['windowSeconds', 'reportIntervalSeconds'] as const) rule(drift[key]! > 0, `drift.${key}`, 'must be positive');
  rule(feedback.windowRows! >= 1, 'feedback.windowRows', 'must be at least 1');
  rule(feedback.windowSeconds! > 0, 'feedback.windowSeconds', 'must be positive');
  rule((payloadLog.sampleRate as number) <= 1, 'payloadLog.sampleRate', 'must be between 0 and 1');
  rule((payloadLog.maxFileBytes as number) > 0, 'payloadLog.maxFileBytes', 'must be positive');
  rule((payloadLog.maxTotalBytes as number) >= (payloadLog.maxFileBytes as number), 'payloadLog.maxTotalBytes', `must be at least maxFileBytes (${payloadLog.maxFileBytes})`);
  if (payloadLog.sinkUrl !== '') rule(/^https?:\/\//.test(String(payloadLog.sinkUrl)), 'payloadLog.sink.url', `must be an http:// or https:// URL, got ${JSON.stringify(payloadLog.sinkUrl)}`);
  rule(payloadLog.enabled === false || payloadLog.dir !== '' || payloadLog.sinkUrl !== '', 'payloadLog', 'needs a dir or a sink.url');
}

function isMapping(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
