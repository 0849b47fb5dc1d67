// A virtual serial cable: socat joins two pseudo-terminals; the agent's serial source opens the one
// linked at `path`, and the simulator writes real bytes into the other (linked at `path`.sim).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, rmSync, writeSync } from 'node:fs';

export interface PtyLink {
  /** The end the agent reads (its sources.serial[].path). */
  readonly path: string;
  write(bytes: string | Uint8Array): void;
  close(): Promise<void>;
}

export async function openPtyLink(path: string, timeoutMs = 10_000): Promise<PtyLink> {
  const simEnd = `${path}.sim`;
  let stderr = '';
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${path}`, `pty,raw,echo=0,link=${simEnd}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'ENOENT' ? 'socat is not installed: install it (apt-get install socat) to drive serial ports' : `socat: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`socat exited (${code}) before linking ${path}: ${stderr.trim().split('\n').pop() ?? ''}`)));
  });
  const linked = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (!(existsSync(path) && existsSync(simEnd))) {
      if (Date.now() > deadline) throw new Error(`socat did not link ${path} within ${timeoutMs} ms: ${stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    await Promise.race([linked, failed]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  failed.catch(() => undefined);
  let fd: number | undefined;
  return {
    path,
    write(bytes) {
      fd ??= openSync(simEnd, constants.O_WRONLY | constants.O_NOCTTY);
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    },
    async close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(path, { force: true });
      rmSync(simEnd, { force: true });
    },
  };
}
