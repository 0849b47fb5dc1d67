// Shared CLI plumbing: exit codes, error printing and version lookup. Thin by design.
// Exit codes: 0 ok, 1 the check failed (verification, lost records), 2 bad usage, input or config.
export { agentVersion } from '../agent/index.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(message: string, readonly exitCode = EXIT_USAGE) {
    super(message);
  }
}

/** Runs a command body, turning thrown errors into a one-line message and an exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT_OK;
    } catch (err) {
      const e = err as Error & { exitCode?: number };
      process.stderr.write(`fieldproof: ${e.message}\n`);
      if (process.env.FIELDPROOF_DEBUG) process.stderr.write(`${e.stack}\n`);
      process.exitCode = e.exitCode ?? (e instanceof CliError ? e.exitCode : EXIT_USAGE);
    }
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
