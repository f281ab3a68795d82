import { relative } from 'node:path';
import { formatError, type OutputParity } from '../core/parity-report.js';
import type { ImportResult } from './import-model.js';

/** The terminal text of a successful import (pure; --json prints the result instead). */
export function formatImport(result: ImportResult, cwd: string): string {
  const { report } = result;
  const shown = (path: string) => relative(cwd, path) || '.';
  const framework = [report.framework.name, report.framework.version].filter(Boolean).join(' ');
  const lines = [
    report.converter
      ? `${report.estimator} (${framework}) → ONNX with ${[report.converter.name, report.converter.version].filter(Boolean).join(' ')}`
      : `${report.artifact} is ONNX already: checked against ${framework}`,
    `  features  ${result.features?.join(', ') ?? '(unnamed: rows are sent as arrays; pass --features or a --sample with a header to name them)'}`,
  ];
  if (report.kind === 'classifier')
    lines.push(
      `  labels    ${result.labels.labels?.join(', ') ?? '(class numbers; pass --labels to name them)'}${result.labels.source === 'sample' ? `  (${result.labels.detail})` : ''}`,
    );
  else lines.push('  kind      regressor');
  lines.push(
    `parity on ${report.rows.how}: Berth's runtime against the original model (tolerance abs ${formatError(report.tolerance.abs)}, rel ${formatError(report.tolerance.rel)})`,
  );
  for (const output of report.outputs) lines.push(`  ${output.output.padEnd(14)}${describeOutput(output)}`);
  if (report.target)
    lines.push(
      `  ${report.target.column.padEnd(14)}served accuracy ${percent(report.target.accuracy)} (original ${percent(report.target.originalAccuracy)})`,
    );
  lines.push(`  passed`);
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  lines.push(`wrote ${result.files.map(shown).join(', ')}`);
  if (result.registered)
    lines.push(
      `registered ${result.registered.name}@${result.registered.version}; serve it with: berth serve --model ${result.registered.name}`,
    );
  else
    lines.push(
      `serve it with: berth serve ${shown(result.out)}   (or add --register to store it in the model repository)`,
    );
  return lines.join('\n');
}

function describeOutput(output: OutputParity): string {
  if (output.output === 'labels')
    return `${output.rows - (output.disagreements ?? 0)}/${output.rows} agree${output.ties ? ` (${output.ties} ties of equal probability)` : ''}`;
  return `max abs error ${formatError(output.maxAbsError ?? 0)}, max rel error ${formatError(output.maxRelError ?? 0)}`;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
