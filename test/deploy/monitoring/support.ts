import type { TestContext } from 'node:test';
import { runProgram, type ProgramResult } from '../../../src/core/programs.js';
import { createMetrics } from '../../../src/observe/metrics.js';
import { requireProgram } from '../../helpers/system-program.js';

/**
 * promtool (Debian package `prometheus`, installed by scripts/ci/install-system-packages.sh):
 * undefined after skipping the test locally when it is absent; a failure in CI.
 */
export async function promtool(t: TestContext): Promise<((args: string[]) => Promise<ProgramResult>) | undefined> {
  if (!(await requireProgram(t, 'promtool', 'prometheus'))) return undefined;
  return (args) => runProgram('promtool', args, { timeoutMs: 60_000 });
}

/** Every metric a Berth process exports (src/observe/metrics.ts plus prom-client's process metrics), with its type. */
export async function exportedMetrics(): Promise<Map<string, string>> {
  const metrics = createMetrics();
  const out = new Map<string, string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) out.set(metric.name, String(metric.type));
  return out;
}

const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: identifiers that are not functions, aggregations,
 * keywords, label names (inside {…} or by/on (…)) or strings. Enough for the expressions Berth
 * generates; promtool checks the syntax itself.
 */
export function metricNamesIn(expr: string): string[] {
  let text = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  text = text.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of text.matchAll(/(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = text.slice(match.index! + match[0].length).trimStart();
    if (after.startsWith('(') || keywords.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** Is `name` (possibly a histogram's _bucket/_sum/_count series) exported? */
export function isExported(name: string, exported: Map<string, string>): boolean {
  if (exported.has(name) || name === 'up') return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && exported.get(base) === 'histogram';
}
