import { importedFrom, paritySummary } from '../core/parity-report.js';
import type { ModelSummary, ResolvedModel } from './catalog.js';
import type { AliasChange, DeleteResult } from './manage.js';
import type { RegisterResult } from './register.js';
import type { VerifyReport } from './verify.js';

/** Text renderings of registry results for the terminal (`--json` prints the data instead). Pure. */

/** Left-aligned columns separated by two spaces, like `kubectl get`. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const shortHash = (sha256: string) => sha256.slice(0, 12);
const formatMetrics = (metrics: Record<string, number>) =>
  Object.entries(metrics)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');

export function formatModelList(models: ModelSummary[]): string {
  if (models.length === 0)
    return 'no models registered yet; add one with `berth models register model.onnx --name NAME`';
  const rows = models.flatMap((model) =>
    model.versions.map((entry) => [
      model.name,
      String(entry.version),
      entry.aliases.join(',') || (entry.version === model.latest ? '(latest)' : ''),
      entry.problem ? 'DAMAGED' : entry.createdAt.replace(/\.\d+Z$/, 'Z'),
      shortHash(entry.sha256),
      entry.producer,
      entry.problem ?? formatMetrics(entry.metrics),
    ]),
  );
  return formatTable(['NAME', 'VERSION', 'ALIASES', 'CREATED', 'SHA256', 'PRODUCER', 'METRICS'], rows);
}

export function formatVersion(model: ResolvedModel): string {
  const meta = model.metadata;
  const tensors = (list: ResolvedModel['metadata']['signature']['inputs']) =>
    list.map((tensor) => `${tensor.name} ${tensor.datatype} [${tensor.shape.join(',')}]`).join(', ');
  const lines: Array<[string, string | undefined]> = [
    ['model', `${model.name}@${model.version}`],
    ['aliases', model.aliases.join(', ') || undefined],
    ['path', model.path],
    ['sha256', meta.sha256],
    ['size', `${meta.bytes} bytes`],
    ['created', meta.createdAt],
    ['description', meta.description],
    ['producer', [meta.producer.name, meta.producer.version].filter(Boolean).join(' ') || undefined],
    [
      'opsets',
      Object.entries(meta.opsets)
        .map(([domain, version]) => `${domain}=${version}`)
        .join(', '),
    ],
    ['inputs', tensors(meta.signature.inputs)],
    ['outputs', tensors(meta.signature.outputs)],
    ['features', meta.features?.join(', ')],
    ['labels', meta.labels?.join(', ')],
    ['metrics', formatMetrics(meta.metrics) || undefined],
    [
      'params',
      Object.entries(meta.params)
        .map(([key, value]) => `${key}=${value}`)
        .join(' ') || undefined,
    ],
    ['reference', meta.reference ? `statistics from ${meta.reference.source}` : undefined],
    ['imported', meta.parity ? importedFrom(meta.parity) : undefined],
    ['parity', meta.parity ? paritySummary(meta.parity) : undefined],
  ];
  const shown = lines.filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  const width = Math.max(...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}

export function formatRegistered(result: RegisterResult): string {
  return `registered ${result.name}@${result.version} (sha256 ${shortHash(result.metadata.sha256)}) at ${result.path}`;
}

export function formatAliasChange(change: AliasChange, verb: 'now points at' | 'rolled back to'): string {
  const from =
    change.from === undefined ? ' (new alias)' : change.from === change.to ? ' (unchanged)' : ` (was ${change.from})`;
  return `${change.name}@${change.alias} ${verb} version ${change.to}${from}`;
}

export function formatDeleted(result: DeleteResult): string {
  return `deleted ${result.name}@${result.version}; the number ${result.version} will not be reused`;
}

export function formatVerify(report: VerifyReport): string {
  if (report.checked === 0 && report.danglingAliases.length === 0) return 'no versions to verify';
  const rows = report.versions.map((check) => [
    check.name,
    String(check.version),
    check.status,
    check.problems.join('; '),
  ]);
  const table = formatTable(['NAME', 'VERSION', 'STATUS', 'DETAIL'], rows);
  const dangling = report.danglingAliases.map((entry) => `alias ${entry}: version folder is gone`);
  return [table, ...dangling].join('\n');
}
