// Writes a packet's files into one POSIX ustar archive as they are produced: the only file that touches
// tar-stream. Each add() waits for the file stream to take the bytes, so memory stays flat whatever the packet's size.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import tar from 'tar-stream';

export class TarWriter {
  private readonly pack = tar.pack();
  private readonly file: WriteStream;
  private readonly closed: Promise<void>;
  private readonly early: Promise<never>;

  /** `mtime`: every entry's modification time (the packet's creation time, so a packet can be rebuilt byte for byte). */
  constructor(path: string, private readonly mtime: Date) {
    const file = (this.file = createWriteStream(path));
    const pack = this.pack;
    // Pulled chunk by chunk, waiting for the file to drain: at most one chunk is in memory.
    this.closed = (async () => {
      for await (const chunk of pack as AsyncIterable<Buffer>) {
        if (!file.write(chunk)) await once(file, 'drain');
      }
      file.end();
      await finished(file);
    })();
    this.closed.catch(() => {}); // surfaced by add() or close()
    // One promise for every add() to race: a closure per add() on `closed` would keep each file's bytes alive until the end.
    this.early = this.closed.then(() => { throw new Error('the archive closed early'); });
    this.early.catch(() => {});
  }

  /** Appends one regular file; resolves once the archive stream has taken it. */
  add(name: string, bytes: Uint8Array): Promise<void> {
    return Promise.race([entry(this.pack, name, bytes, this.mtime), this.early]);
  }

  /** Writes the end-of-archive blocks and waits until the file is closed. */
  async close(): Promise<void> {
    this.pack.finalize();
    await this.closed;
  }

  /** Stops writing (the caller removes the partial file). */
  abort(): void {
    this.pack.destroy();
    this.file.destroy();
  }
}

function entry(pack: tar.Pack, name: string, bytes: Uint8Array, mtime: Date): Promise<void> {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Promise<void>((resolve, reject) => {
    pack.entry({ name, size: body.length, mtime, mode: 0o644, uname: '', gname: '' }, body, (err) => (err ? reject(err) : resolve()));
  });
}
