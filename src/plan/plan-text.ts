import { formatClock, formatDuration } from './duration.js';
import { describeHpa } from './hpa-spec.js';
import type { PlannedHpa, PlanResult } from './plan.js';

/** The human-readable `berth plan` report (`--json` prints the PlanResult). */
const money = (value: number) => value.toFixed(2);
const num = (value: number) => (Math.round(value * 10) / 10).toLocaleString('en-US');

export function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('   ')
        .trimEnd(),
  );
}

function hpaLines(plan: PlannedHpa): string[] {
  const s = plan.summary;
  return [
    `${plan.label}: ${describeHpa(plan.spec)}`,
    `  replicas   min ${s.minReplicas} · avg ${s.averageReplicas.toFixed(2)} · max ${s.maxReplicas} · ${s.scaleUps} scale-ups, ${s.scaleDowns} scale-downs · ${num(s.podHours)} pod-hours`,
    `  at risk    ${s.minutesAtRisk} minute(s) (${formatDuration(s.secondsAtRisk)} with load above capacity; ${num(s.requestsAtRisk)} requests over)`,
  ];
}

function timelineLines(plan: PlannedHpa): string[] {
  const rows = [['time', 'peak req/s', 'replicas', 'at risk']];
  for (const bucket of plan.timeline) {
    const replicas =
      bucket.minReplicas === bucket.maxReplicas
        ? `${bucket.maxReplicas}`
        : `${bucket.minReplicas}–${bucket.maxReplicas}`;
    rows.push([
      formatClock(bucket.startSeconds),
      num(bucket.peakOffered),
      replicas,
      bucket.minutesAtRisk > 0 ? `${bucket.minutesAtRisk} min` : '-',
    ]);
  }
  return [
    `  timeline of the ${plan.label} (every ${formatDuration(plan.timeline[0]?.seconds ?? 0)}):`,
    ...table(rows, '    '),
  ];
}

export function formatPlan(result: PlanResult): string {
  const { traffic, simulation, capacity } = result;
  const lines: string[] = [
    `traffic    ${traffic.description}; peak ${num(traffic.peak)} req/s; simulated ${formatDuration(traffic.durationSeconds)} in ${simulation.stepSeconds} s steps`,
    `capacity   ${num(capacity.rps)} req/s per pod${capacity.sloP99Ms !== undefined ? ` within p99 ≤ ${capacity.sloP99Ms} ms` : ''} (${capacity.source})`,
    `model      HPA sync every ${simulation.syncPeriodSeconds} s, new pods take traffic after ${formatDuration(simulation.startupSeconds)}, CPU ∝ load per ready pod`,
    '',
    ...hpaLines(result.hpa),
  ];
  const rec = result.recommendation;
  const same =
    rec.spec.minReplicas === result.hpa.spec.minReplicas &&
    rec.spec.maxReplicas === result.hpa.spec.maxReplicas &&
    rec.spec.targetUtilization === result.hpa.spec.targetUtilization;
  if (!same) lines.push('', ...hpaLines(rec));
  lines.push('', ...timelineLines(result.hpa.label === 'your HPA' || same ? result.hpa : rec));

  const p = result.prices;
  lines.push(
    '',
    `Monthly cost (${p.currency}, ${p.hoursPerMonth} h/month, ${p.pod.hourly} per pod-hour; prices: ${p.source})`,
  );
  const rows: string[][] = [['', ...result.cost.map((option) => option.title)]];
  for (let r = 0; r < 3; r += 1) {
    rows.push([
      result.cost[0]!.rows[r]!.item,
      ...result.cost.map((option) => {
        const row = option.rows[r]!;
        return row.note === 'included' ? 'included' : `${money(row.monthly)}${row.note ? ` (${row.note})` : ''}`;
      }),
    ]);
  }
  rows.push(['Total', ...result.cost.map((option) => money(option.total))]);
  rows.push([
    'Range (min–max pods)',
    ...result.cost.map((option) => (option.range ? `${money(option.range.low)}–${money(option.range.high)}` : '-')),
  ]);
  lines.push(...table(rows));
  lines.push(
    `  fixed pods: ${result.fixedPods} = ceil(peak ${num(traffic.peak)} / ${num(capacity.rps)} req/s per pod)`,
  );

  const recCost =
    result.cost.find((option) => option.key === 'hpa-recommended') ??
    result.cost.find((option) => option.key === 'hpa')!;
  lines.push(
    '',
    `Recommendation: minReplicas ${rec.spec.minReplicas}, maxReplicas ${rec.spec.maxReplicas}, averageUtilization ${rec.spec.targetUtilization} — ${rec.summary.minutesAtRisk} minute(s) at risk, avg ${rec.summary.averageReplicas.toFixed(2)} pods, ${p.currency} ${money(recCost.total)}/month`,
    `  ${rec.why}`,
    `  tried: ${rec.candidates.map((c) => `${c.targetUtilization}% → ${c.minReplicas}–${c.maxReplicas} pods, ${num(c.podHours)} pod-h, ${c.minutesAtRisk} min at risk`).join('; ')}`,
  );
  if (result.files.length > 0) lines.push('', `wrote ${result.files.join(', ')}`);
  return lines.join('\n');
}
