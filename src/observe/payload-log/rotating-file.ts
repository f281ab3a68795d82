/**
 * Appends lines to `<dir>/<base>.jsonl` from a bounded in-memory queue, off the caller's path.
 * When the active file would pass maxFileBytes it is renamed `<base>.<seq>.jsonl` (seq grows,
 * zero-padded so names sort) and the oldest rotated files are deleted until rotated files plus a
 * full active file fit in maxTotalBytes — so the cap holds at every moment, not only after
 * cleanup. `enqueue()` never waits and never throws: a full queue or a line too large for any
 * file is dropped and counted; a failed write drops what is queued, is counted, and new lines are
 * dropped for errorBackoffMs (then the file is reopened).
 */
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from '../../core/errors.js';

export interface RotatingFileOptions {
  dir: string;
  baseName: string;
  maxFileBytes: number;
  maxTotalBytes: number;
  maxQueueBytes: number;
  /** After a failed write, drop new lines for this long instead of retrying the disk at once. */
  errorBackoffMs?: number;
}

export interface RotatingFileCounters {
  written: number;
  writtenBytes: number;
  dropped: number;
  rotated: number;
  deleted: number;
  errors: number;
  queuedBytes: number;
}

const batchBytes = 1024 * 1024;

export class RotatingFileWriter {
  readonly counters: RotatingFileCounters = {
    written: 0,
    writtenBytes: 0,
    dropped: 0,
    rotated: 0,
    deleted: 0,
    errors: 0,
    queuedBytes: 0,
  };
  private readonly options: Required<RotatingFileOptions>;
  private queue: Array<{ line: string; bytes: number }> = [];
  private head = 0;
  private handle: FileHandle | null = null;
  private activeBytes = 0;
  private rotatedFiles: Array<{ name: string; bytes: number; seq: number }> = [];
  private pumping: Promise<void> | null = null;
  private closed = false;
  private failedUntil = 0;

  constructor(options: RotatingFileOptions) {
    if (!(options.maxFileBytes > 0))
      throw errors.badMonitoringSetting('monitoring.payloadLog.maxFileBytes', 'must be positive');
    if (options.maxTotalBytes < options.maxFileBytes) {
      throw errors.badMonitoringSetting(
        'monitoring.payloadLog.maxTotalBytes',
        `${options.maxTotalBytes} is below maxFileBytes ${options.maxFileBytes}`,
      );
    }
    this.options = { errorBackoffMs: 1000, ...options };
  }

  get activePath(): string {
    return join(this.options.dir, `${this.options.baseName}.jsonl`);
  }

  /** Queue one line (ending in \n) of `bytes` UTF-8 bytes. Returns false when it was dropped. */
  enqueue(line: string, bytes: number): boolean {
    if (
      this.closed ||
      bytes > this.options.maxFileBytes ||
      this.counters.queuedBytes + bytes > this.options.maxQueueBytes ||
      Date.now() < this.failedUntil
    ) {
      this.counters.dropped++;
      return false;
    }
    this.queue.push({ line, bytes });
    this.counters.queuedBytes += bytes;
    if (!this.pumping)
      this.pumping = this.pump().finally(() => {
        this.pumping = null;
      });
    return true;
  }

  /** Resolves once everything queued so far is written (or dropped). */
  async flush(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
  }

  private async pump(): Promise<void> {
    // Let the caller's turn of the event loop finish first: the request is answered before I/O.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.head < this.queue.length) {
      try {
        if (!this.handle) await this.openActive();
        const batch = this.takeBatch();
        if (batch.count === 0) {
          await this.rotate();
          continue;
        }
        await this.handle!.appendFile(batch.text);
        this.activeBytes += batch.bytes;
        this.counters.written += batch.count;
        this.counters.writtenBytes += batch.bytes;
      } catch {
        this.counters.errors++;
        this.dropQueued();
        await this.handle?.close().catch(() => undefined);
        this.handle = null;
        // No timer: a pending backoff must neither keep the process alive nor delay close().
        this.failedUntil = Date.now() + this.options.errorBackoffMs;
      }
    }
    this.queue = [];
    this.head = 0;
  }

  /** Lines from the queue that still fit in the active file, up to about 1 MiB. */
  private takeBatch(): { text: string; bytes: number; count: number } {
    const lines: string[] = [];
    let bytes = 0;
    while (this.head < this.queue.length) {
      const next = this.queue[this.head]!;
      if (
        this.activeBytes + bytes + next.bytes > this.options.maxFileBytes ||
        (lines.length > 0 && bytes + next.bytes > batchBytes)
      )
        break;
      lines.push(next.line);
      bytes += next.bytes;
      this.head++;
      this.counters.queuedBytes -= next.bytes;
    }
    // Drop consumed slots now and then: under steady load the pump never idles to reset them.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return { text: lines.join(''), bytes, count: lines.length };
  }

  private dropQueued(): void {
    this.counters.dropped += this.queue.length - this.head;
    this.queue = [];
    this.head = 0;
    this.counters.queuedBytes = 0;
  }

  private async openActive(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const pattern = new RegExp(`^${escapeRegExp(this.options.baseName)}\\.(\\d+)\\.jsonl$`);
    const found: Array<{ name: string; bytes: number; seq: number }> = [];
    for (const name of await readdir(this.options.dir)) {
      const match = pattern.exec(name);
      if (match) found.push({ name, bytes: (await stat(join(this.options.dir, name))).size, seq: Number(match[1]) });
    }
    this.rotatedFiles = found.sort((a, b) => a.seq - b.seq);
    this.handle = await open(this.activePath, 'a');
    this.activeBytes = (await this.handle.stat()).size;
    await this.enforceCap();
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    const seq = (this.rotatedFiles.at(-1)?.seq ?? 0) + 1;
    const name = `${this.options.baseName}.${String(seq).padStart(6, '0')}.jsonl`;
    await rename(this.activePath, join(this.options.dir, name));
    this.rotatedFiles.push({ name, bytes: this.activeBytes, seq });
    this.counters.rotated++;
    this.activeBytes = 0;
    await this.enforceCap();
    this.handle = await open(this.activePath, 'a');
  }

  /** Delete the oldest rotated files until they plus a full active file fit the total cap. */
  private async enforceCap(): Promise<void> {
    let rotatedBytes = this.rotatedFiles.reduce((sum, file) => sum + file.bytes, 0);
    while (this.rotatedFiles.length > 0 && rotatedBytes + this.options.maxFileBytes > this.options.maxTotalBytes) {
      const oldest = this.rotatedFiles.shift()!;
      await unlink(join(this.options.dir, oldest.name)).catch(() => undefined);
      rotatedBytes -= oldest.bytes;
      this.counters.deleted++;
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
