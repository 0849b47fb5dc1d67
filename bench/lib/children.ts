// Helper processes of a benchmark (hub, MQTT peers, socat, a private Mosquitto): started, read line by
// line, stopped by their own id, and killed if the benchmark dies first, so a run leaves nothing behind.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../bin/runtime-flags.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const live = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

export interface Helper {
  readonly proc: ChildProcess;
  readonly label: string;
  /** Resolves with the first stdout line `match` accepts; rejects if the process exits first or after `timeoutMs`. */
  line<T>(match: (line: string) => T | undefined, timeoutMs?: number): Promise<T>;
  /** Output seen so far (stdout and stderr), for error messages. */
  output(): string;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`); resolves with the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** Node flags for a TypeScript helper: the CLI's flags, tsx, plus --cpu-prof when FIELDPROOF_BENCH_CPU_PROF=DIR is set. */
export function nodeArgs(script: string, args: string[] = []): string[] {
  const prof = process.env.FIELDPROOF_BENCH_CPU_PROF;
  return [...NODE_FLAGS, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), '--import', 'tsx', script, ...args];
}

/** `execArgv` with the CLI's flags (bin/runtime-flags.ts) in front, unless already there: benchmarks run as the CLI does. */
export function withNodeFlags(execArgv: readonly string[]): string[] {
  return [...NODE_FLAGS.filter((f) => !execArgv.includes(f)), ...execArgv];
}

export function startHelper(label: string, command: string, args: string[], options: SpawnOptions = {}): Helper {
  hookExit();
  const proc = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], ...options });
  live.add(proc);
  let out = '';
  let partial = '';
  const waiters = new Set<(line: string) => void>();
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => {
    live.delete(proc);
    resolve(code);
  }));
  proc.stdout?.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      out = (out + l + '\n').slice(-20_000);
      for (const w of [...waiters]) w(l);
    }
  });
  proc.stderr?.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20_000); });
  proc.on('error', (err) => { out += `\n${err.message}`; });
  return {
    proc,
    label,
    output: () => out,
    line<T>(match: (line: string) => T | undefined, timeoutMs = 30_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const done = () => { waiters.delete(onLine); clearTimeout(timer); };
        const onLine = (l: string) => {
          const v = match(l);
          if (v !== undefined) { done(); resolve(v); }
        };
        const timer = setTimeout(() => { done(); reject(new Error(`${label}: no expected line within ${timeoutMs} ms; output:\n${out.slice(-3000)}`)); }, timeoutMs);
        waiters.add(onLine);
        void exited.then((code) => {
          if (!waiters.has(onLine)) return;
          done();
          reject(new Error(`${label} exited with ${code}; output:\n${out.slice(-3000)}`));
        });
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] and [12] are utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 10 ms on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
