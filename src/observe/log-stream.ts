import { writeSync } from 'node:fs';
import pino from 'pino';
import { defaults } from '../core/defaults.js';

/** How log lines reach a file descriptor: what logger.ts hands pino as its destination. */
export interface LogStream extends pino.DestinationStream {
  /** Calls back once everything handed over so far is written. */
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
  destroy(): void;
}

let droppedLines = 0;

/** Log lines dropped because the destination could not keep up (berth_log_lines_dropped_total). */
export function droppedLogLines(): number {
  return droppedLines;
}

/**
 * Lines written asynchronously (sonic-boom), gathered for up to `gatherMs`, and capped: past
 * `maxLength` bytes waiting, lines are dropped and counted instead (a flood once grew the backlog
 * by ~10 MB in 10 s, heap snapshot).
 *
 * Why gather lines rather than hand sonic-boom each one: sonic-boom appends a line to its last
 * pending chunk and takes that chunk's UTF-8 length, flattening the string, so a line cost O(chunk),
 * ~3.5 µs with its 16 KiB chunks; and it writes one chunk per completed write, so a flood's long
 * event-loop turns outgrew it and lines were dropped. Gathered per event-loop turn a line cost
 * 1.3 µs at 45 lines a turn but 6.9 µs at 5 (a write each turn); gathered for 10 ms, 0.8 and
 * 2.1 µs (CPU per line, writes included, median of 5, into a file).
 *
 * Why gather them as UTF-8 bytes, each line encoded into one buffer as it comes: gathered as
 * strings, the text was copied again when joined, 10 ms after its lines were made (out of the
 * CPU's caches by then), and sonic-boom's string mode went over it three more times (its UTF-8
 * length, the write's encoding, and again after the write). Encoded at once and handed over as
 * bytes, a line is copied once more, at hand-over (bench/results/request-path-cpu.md).
 */
export function bufferedStream(
  dest: number | string,
  maxLength = defaults.logStream.maxWaitingBytes,
  gatherMs = defaults.logStream.gatherMs,
): LogStream {
  const { handOverChars } = defaults.logStream;
  // minLength 1: write whatever is waiting as soon as the last write is done, and make flush(cb)
  // wait for that (sonic-boom calls back at once when minLength is 0).
  const sonic = pino.destination({
    dest,
    sync: false,
    minLength: 1,
    maxWrite: 1024 * 1024,
    maxLength,
    contentMode: 'buffer',
  });
  // sonic-boom's typings know only strings; in buffer mode it takes (only) Buffers.
  const writeBytes = (bytes: Buffer) => (sonic as unknown as { write(bytes: Buffer): boolean }).write(bytes);
  sonic.on('drop', (data: Buffer) => {
    for (let at = data.indexOf(newline); at !== -1; at = data.indexOf(newline, at + 1)) droppedLines++;
  });
  // A UTF-16 code unit takes at most 3 bytes in UTF-8, and fewer than `handOverChars` are waiting
  // when a line of at most `handOverChars` comes: this always has room for it.
  const gathered = Buffer.allocUnsafe(handOverChars * 6);
  let gatheredBytes = 0;
  let gatheredLength = 0;
  let timer: NodeJS.Timeout | undefined;
  /** A copy of the gathered lines (empty when none), and the gathering starts over. */
  const takeGathered = () => {
    clearTimeout(timer);
    timer = undefined;
    // Copied: sonic-boom keeps what it is given until written, and the buffer is used again.
    const bytes = Buffer.from(gathered.subarray(0, gatheredBytes));
    gatheredBytes = 0;
    gatheredLength = 0;
    return bytes;
  };
  const handOver = () => {
    const bytes = takeGathered();
    if (bytes.length > 0) writeBytes(bytes);
  };
  return {
    write(line: string) {
      if (line.length > handOverChars) {
        // Rare (a huge log field): after what is gathered, on its own.
        handOver();
        writeBytes(Buffer.from(line));
        return;
      }
      gatheredBytes += gathered.write(line, gatheredBytes);
      gatheredLength += line.length;
      // A long turn (a flood) hands over as it goes, so the cap drops part of it, not all.
      if (gatheredLength >= handOverChars) handOver();
      else timer ??= setTimeout(handOver, gatherMs).unref();
    },
    flush(callback) {
      handOver();
      sonic.flush(callback);
    },
    flushSync() {
      // At exit: what sonic-boom holds goes first, then the gathered lines, both synchronously
      // (handing them over would start an asynchronous write the exiting process may not finish).
      const bytes = takeGathered();
      sonic.flushSync();
      // sonic-boom's typings omit its `fd` property.
      if (bytes.length > 0) writeSync((sonic as unknown as { fd: number }).fd, bytes);
    },
    destroy() {
      clearTimeout(timer);
      sonic.destroy();
    },
  };
}

const newline = 0x0a;
