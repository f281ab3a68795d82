import type { LoadProgress } from './load-test.js';

/**
 * The live progress display of `berth bench`, on stderr so `--json > file` stays clean. On a TTY
 * one line is redrawn in place (`\r` + erase line); elsewhere (CI logs, pipes) only each phase's
 * start is printed, once, so logs do not fill with redraws.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function renderBar(progress: LoadProgress, label: string, width = 24): string {
  const share = progress.durationSeconds > 0 ? Math.min(1, progress.elapsedSeconds / progress.durationSeconds) : 1;
  const filled = Math.round(share * width);
  const rate = progress.elapsedSeconds > 0 ? Math.round(progress.completed / progress.elapsedSeconds) : 0;
  const errors = progress.errors > 0 ? ` · ${progress.errors} errors` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progress.elapsedSeconds.toFixed(1)}/${progress.durationSeconds} s · ${rate} req/s${errors} · ${label}`;
}

export function createProgressDisplay(stream: ProgressStream) {
  let label = '';
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    phase(phase: { label: string; index: number; total: number }) {
      label = phase.total > 1 ? `${phase.label} (${phase.index}/${phase.total})` : phase.label;
      if (!stream.isTTY) stream.write(`bench: ${label}\n`);
    },
    progress(progress: LoadProgress) {
      if (!stream.isTTY) return;
      const line = renderBar(progress, label);
      stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (stream.columns || 100) - 1))}`);
      drawn = true;
    },
    done() {
      clear();
    },
  };
}
