import pino from 'pino';

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
 * Lines written asynchronously (sonic-boom), joined per event-loop turn, and capped: past
 * `maxLength` bytes waiting, lines are dropped and counted instead (a flood once grew the backlog
 * by ~10 MB in 10 s, heap snapshot).
 *
 * Why join per turn rather than hand sonic-boom each line: sonic-boom appends a line to its last
 * pending chunk and takes that chunk's UTF-8 length, flattening the string, so a line cost
 * O(chunk): ~3.5 µs of CPU in 45-line turns (the batch a c64 load gives), against ~1.3 µs joined
 * per turn, writes included (median of 5, into a file). And it writes one chunk per completed
 * write, one a turn at best, so a long turn's lines (a flood: hundreds of requests a turn)
 * outgrew its 16 KiB a turn and were dropped; joined, a turn's lines go out in one write.
 */
export function bufferedStream(dest: number | string, maxLength = 16 * 1024 * 1024): LogStream {
  // minLength 1: write whatever is waiting as soon as the last write is done, and make flush(cb)
  // wait for that (sonic-boom calls back at once when minLength is 0).
  const sonic = pino.destination({ dest, sync: false, minLength: 1, maxWrite: 1024 * 1024, maxLength });
  sonic.on('drop', (data: string) => {
    for (let at = data.indexOf('\n'); at !== -1; at = data.indexOf('\n', at + 1)) droppedLines++;
  });
  let turn: string[] = [];
  let scheduled = false;
  const handOver = () => {
    scheduled = false;
    if (turn.length === 0) return;
    const text = turn.join('');
    turn = [];
    sonic.write(text);
  };
  return {
    write(line: string) {
      turn.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(handOver);
      }
    },
    flush(callback) {
      handOver();
      sonic.flush(callback);
    },
    flushSync() {
      handOver();
      sonic.flushSync();
    },
    destroy() {
      sonic.destroy();
    },
  };
}
