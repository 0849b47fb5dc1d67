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
      reportError(err);
      process.exitCode = e.exitCode ?? (e instanceof CliError ? e.exitCode : EXIT_USAGE);
    }
  };
}

/** FIELDPROOF_DEBUG=1 (or `fieldproof --debug COMMAND`): unexpected errors print their stack trace too. */
export function debugging(): boolean {
  const v = process.env.FIELDPROOF_DEBUG;
  return v !== undefined && v !== '' && v !== '0';
}

/** Errors that mean a bug rather than bad input or a missing resource: named as such, stack on request. */
const BUG_ERRORS = ['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError', 'AssertionError'];

/** Prints `fieldproof: what went wrong` on stderr: one line per problem, never a stack unless debugging. */
export function reportError(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  const bug = BUG_ERRORS.includes(e.name) && !(e instanceof CliError);
  const hint = bug && !debugging() ? ' (an unexpected error: run with FIELDPROOF_DEBUG=1 for the stack trace, and please report it)' : '';
  process.stderr.write(`fieldproof: ${bug ? `${e.name}: ` : ''}${errorText(e)}${hint}\n`);
  if (debugging() && e.stack) process.stderr.write(`${e.stack}\n`);
}

/** An error's message; a schema error (zod) as `path: message` per issue, the way config files report them, never its JSON. */
export function errorText(err: Error): string {
  const issues = (err as { issues?: unknown }).issues;
  if (err.name === 'ZodError' && Array.isArray(issues)) {
    return issues.map((i: { path?: PropertyKey[]; message?: string }) => {
      const path = (i.path ?? []).map(String).join('.');
      return `${path ? `${path}: ` : ''}${i.message ?? 'invalid'}`;
    }).join('; ');
  }
  return err.message;
}

/**
 * A commander usage error as one line: `option '--port <n>' argument 'abc' is invalid. --port: expected ...`
 * becomes `--port: expected ...`; other messages lose only commander's `error: ` prefix.
 */
export function usageText(text: string): string {
  const t = text.replace(/^error: /, '').trimEnd();
  const option = /^option '([^']*)' argument '[\s\S]*' is invalid\. ([\s\S]*)$/.exec(t);
  const argument = /^command-argument value '[\s\S]*' is invalid for argument '([^']*)'\. ([\s\S]*)$/.exec(t);
  const found = option ?? argument;
  if (!found) return t;
  const name = option ? /--[\w-]+/.exec(found[1])?.[0] ?? found[1] : `<${found[1]}>`;
  return found[2].startsWith(`${name}:`) ? found[2] : `${name}: ${found[2]}`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
