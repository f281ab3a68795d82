import { BerthError } from '../core/errors.js';

/**
 * How a command's result reaches the terminal (oclif's enableJsonFlag): a command returns data;
 * with --json it is printed as JSON, otherwise through the command's own text formatter.
 */
export interface CommandResult<T = unknown> {
  data: T;
  /** Human-readable rendering; omitted = pretty JSON. */
  text?: string;
}

export function printResult(
  result: CommandResult,
  json: boolean,
  write: (text: string) => void = (text) => process.stdout.write(text),
): void {
  if (json) write(`${JSON.stringify(result.data, null, 2)}\n`);
  else write(result.text !== undefined ? `${result.text}\n` : `${JSON.stringify(result.data, null, 2)}\n`);
}

/** Exit codes: 1 = the user's input or environment is wrong, 2 = Berth failed. */
export function printError(
  error: unknown,
  json: boolean,
  write: (text: string) => void = (text) => process.stderr.write(text),
): number {
  if (error instanceof BerthError) {
    write(json ? `${JSON.stringify({ error: error.message, code: error.code })}\n` : `berth: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(
    json ? `${JSON.stringify({ error: message, code: 'BERTH_INTERNAL' })}\n` : `berth: internal error: ${message}\n`,
  );
  return 2;
}
