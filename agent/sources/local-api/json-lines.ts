// Splits a byte stream into newline-delimited lines, bounded by max_message_bytes (pure, no I/O).
// An oversized line is reported once and skipped up to its newline, so the connection stays usable.

export type LineEvent = { line: Buffer } | { tooLarge: number };

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  /** Inside an oversized line: drop bytes until its newline. */
  private skipping = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (this.skipping) {
        if (nl !== -1) this.skipping = false;
      } else if (this.size + (end - start) > this.maxBytes) {
        out.push({ tooLarge: this.size + (end - start) });
        this.reset();
        this.skipping = nl === -1;
      } else {
        if (end > start) this.parts.push(chunk.subarray(start, end));
        this.size += end - start;
        if (nl !== -1) {
          out.push({ line: this.take() });
        }
      }
      if (nl === -1) break;
      start = nl + 1;
    }
    return out;
  }

  /** The peer finished sending: a last line without its newline still counts. */
  end(): LineEvent[] {
    if (this.skipping || this.size === 0) return [];
    return [{ line: this.take() }];
  }

  private take(): Buffer {
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    this.reset();
    return line;
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
  }
}
