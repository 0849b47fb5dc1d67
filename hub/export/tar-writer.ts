// Writes a packet's files into one POSIX ustar archive as they are produced: the only file that touches
// tar-stream. Each add() waits for the file stream to take the bytes, so memory stays flat whatever the packet's size.
import { createWriteStream, type WriteStream } from 'node:fs';
import tar from 'tar-stream';

export class TarWriter {
  private readonly pack = tar.pack();
  private readonly file: WriteStream;
  private readonly closed: Promise<void>;

  /** `mtime`: every entry's modification time (the packet's creation time, so a packet can be rebuilt byte for byte). */
  constructor(path: string, private readonly mtime: Date) {
    this.file = createWriteStream(path);
    this.closed = new Promise((resolve, reject) => {
      this.file.on('close', resolve);
      this.file.on('error', reject);
      this.pack.on('error', reject);
    });
    this.closed.catch(() => {}); // surfaced by add() or close()
    this.pack.pipe(this.file);
  }

  /** Appends one regular file; resolves once the archive stream has taken it. */
  add(name: string, bytes: Uint8Array): Promise<void> {
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const written = new Promise<void>((resolve, reject) => {
      this.pack.entry({ name, size: body.length, mtime: this.mtime, mode: 0o644, uname: '', gname: '' }, body, (err) => (err ? reject(err) : resolve()));
    });
    return Promise.race([written, this.closed.then(() => { throw new Error('the archive closed early'); })]);
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
