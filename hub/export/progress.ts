// The export and verify progress line on a terminal (stderr, redrawn in place at most every 100 ms, only on a
// TTY): devices, records, megabytes, rate and elapsed time. Time injected.
export class ProgressLine {
  private last = -Infinity;
  private shown = false;
  private readonly started: number;

  constructor(private readonly write: (text: string) => void, private readonly tty: boolean, private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }

  /** Redraws with `text` (a rate and the elapsed time are appended) unless drawn in the last 100 ms. */
  update(text: string, bytes?: number): void {
    if (!this.tty) return;
    const t = this.now();
    if (t - this.last < 100) return;
    this.last = t;
    this.shown = true;
    const s = (t - this.started) / 1000;
    const rate = bytes !== undefined && s > 0 ? `  ${(bytes / 1e6 / s).toFixed(0)} MB/s` : '';
    this.write(`\r\x1b[2K${text}${rate}  ${s.toFixed(1)} s`);
  }

  /** Clears the line before the summary. */
  finish(): void {
    if (this.shown) this.write('\r\x1b[2K');
  }
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
