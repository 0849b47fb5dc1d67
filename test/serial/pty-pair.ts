// A virtual serial cable for tests: socat joins two pseudo-terminals, linked at <dir>/a and <dir>/b.
// The source opens one end; the test writes real bytes into the other. stop() is the USB unplug.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';

export interface PtyPair {
  /** The end the source under test opens. */
  readonly a: string;
  /** The end the test writes to. */
  readonly b: string;
  write(bytes: string | Uint8Array): void;
  /** Kills socat: both pseudo-terminals and their links disappear, as on an unplug. */
  stop(): Promise<void>;
  /** Starts socat again with the same link names: the replug. */
  start(): Promise<void>;
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startPtyPair(dir: string): Promise<PtyPair> {
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  let child: ChildProcess | undefined;
  let fd: number | undefined;
  let stderr = '';

  const closeWriter = () => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // already gone with the pty
    }
    fd = undefined;
  };

  const pair: PtyPair = {
    a,
    b,
    write(bytes) {
      fd ??= openSync(b, constants.O_WRONLY | constants.O_NOCTTY);
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    },
    async start() {
      stderr = '';
      const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      proc.on('exit', () => running.delete(proc));
      running.add(proc);
      child = proc;
      await waitFor('socat to link both pseudo-terminals', () => existsSync(a) && existsSync(b), {
        timeoutMs: 10_000,
        intervalMs: 20,
        describe: () => stderr,
      });
    },
    async stop() {
      closeWriter();
      const proc = child;
      child = undefined;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        await exited;
      }
      // socat removes its links on SIGTERM; make sure, as a vanished device node would be
      rmSync(a, { force: true });
      rmSync(b, { force: true });
    },
  };
  await pair.start();
  return pair;
}
