// A raw client for the local API tests: writes exact bytes and reads replies as JSON lines or as
// length-prefixed frames, so framing edge cases can be sent on purpose.
import { createConnection, type Socket } from 'node:net';

export class RawSocket {
  private buffered = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.wake();
      resolve();
    }));
  }

  static connect(path: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('error', reject);
      socket.once('connect', () => resolve(new RawSocket(socket)));
    });
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /** Half-closes: the server sees the end of input but can still reply. */
  end(): void {
    this.socket.end();
  }

  /** The next n reply lines, parsed. */
  async lines(n: number, timeoutMs = 5000): Promise<Record<string, any>[]> {
    const out: Record<string, any>[] = [];
    await this.until(() => {
      let nl: number;
      while (out.length < n && (nl = this.buffered.indexOf(0x0a)) !== -1) {
        out.push(JSON.parse(this.buffered.subarray(0, nl).toString('utf8')));
        this.buffered = this.buffered.subarray(nl + 1);
      }
      return out.length >= n;
    }, () => `${n} reply lines (got ${out.length})`, timeoutMs);
    return out;
  }

  /** The next n reply frames: 4-byte big-endian length, then JSON. */
  async frames(n: number, timeoutMs = 5000): Promise<Record<string, any>[]> {
    const out: Record<string, any>[] = [];
    await this.until(() => {
      while (out.length < n && this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readUInt32BE(0)) {
        const length = this.buffered.readUInt32BE(0);
        out.push(JSON.parse(this.buffered.subarray(4, 4 + length).toString('utf8')));
        this.buffered = this.buffered.subarray(4 + length);
      }
      return out.length >= n;
    }, () => `${n} reply frames (got ${out.length})`, timeoutMs);
    return out;
  }

  close(): void {
    this.socket.destroy();
  }

  private async until(done: () => boolean, what: () => string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.socket.destroyed) throw new Error(`connection closed while waiting for ${what()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A protobuf-framing request: length, kind byte, message bytes. */
export function frame(kind: number, message: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(1 + message.length, 0);
  out[4] = kind;
  out.set(message, 5);
  return out;
}
