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
 */
export function bufferedStream(
  dest: number | string,
  maxLength = defaults.logStream.maxWaitingBytes,
  gatherMs = defaults.logStream.gatherMs,
): LogStream {
  // minLength 1: write whatever is waiting as soon as the last write is done, and make flush(cb)
  // wait for that (sonic-boom calls back at once when minLength is 0).
  const sonic = pino.destination({ dest, sync: false, minLength: 1, maxWrite: 1024 * 1024, maxLength });
  sonic.on('drop', (data: string) => {
    for (let at = data.indexOf('\n'); at !== -1; at = data.indexOf('\n', at + 1)) droppedLines++;
  });
  let gathered: string[] = [];
  let gatheredLength = 0;
  let timer: NodeJS.Timeout | undefined;
  /** The gathered lines as one string ('' when none), and the gathering starts over. */
  const takeGathered = () => {
    clearTimeout(timer);
    timer = undefined;
    const text = gathered.join('');
    gathered = [];
    gatheredLength = 0;
    return text;
  };
  const handOver = () => {
    const text = takeGathered();
    if (text) sonic.write(text);
  };
  return {
    write(line: string) {
      gathered.push(line);
      gatheredLength += line.length;
      // A long turn (a flood) hands over as it goes, so the cap drops part of it, not all.
      if (gatheredLength >= defaults.logStream.handOverChars) handOver();
      else timer ??= setTimeout(handOver, gatherMs).unref();
    },
    flush(callback) {
      handOver();
      sonic.flush(callback);
    },
    flushSync() {
      // At exit: what sonic-boom holds goes first, then the gathered lines, both synchronously
      // (handing them over would start an asynchronous write the exiting process may not finish).
      const text = takeGathered();
      sonic.flushSync();
      // sonic-boom's typings omit its `fd` property.
      if (text) writeSync((sonic as unknown as { fd: number }).fd, text);
    },
    destroy() {
      clearTimeout(timer);
      sonic.destroy();
    },
  };
}
