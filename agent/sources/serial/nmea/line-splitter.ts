// Splits a byte stream into NMEA lines: CR, LF or CRLF end a line, a partial line waits for the next
// chunk, empty lines are dropped and a run without a line end is cut at maxLine. Pure.
export class LineSplitter {
  private partial = '';

  /** NMEA 0183 allows 82 characters a line; the default leaves room for longer vendor sentences. */
  constructor(private readonly maxLine = 512) {}

  /** The complete lines in `text` (terminators removed); the unterminated tail is kept for later. */
  push(text: string): string[] {
    const parts = (this.partial + text).split(/\r\n|\r|\n/);
    this.partial = parts.pop() ?? '';
    const lines = parts.filter((line) => line.length > 0);
    while (this.partial.length > this.maxLine) {
      lines.push(this.partial.slice(0, this.maxLine));
      this.partial = this.partial.slice(this.maxLine);
    }
    return lines;
  }
}
