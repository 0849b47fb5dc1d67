// Shared CLI plumbing: exit codes, error printing and version lookup. Thin by design.
// Exit codes: 0 ok, 1 the check failed (verification, lost records), 2 bad usage, input or config.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(message: string, readonly exitCode = EXIT_USAGE) {
    super(message);
  }
}

let cachedVersion: string | undefined;
/** The package version (works from the sources and from dist/, where the build copies package.json). */
export function agentVersion(): string {
  if (!cachedVersion) {
    const here = dirname(fileURLToPath(import.meta.url));
    cachedVersion = (JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { version: string }).version;
  }
  return cachedVersion;
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
