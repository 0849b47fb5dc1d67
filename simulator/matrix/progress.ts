// Progress of a matrix run on stderr: a bar with rows done, simulated seconds and an ETA on a TTY
// (redrawn in place, at most every 100 ms), one plain line per finished row otherwise. Time injected.
export interface ProgressState {
  rowsDone: number;
  rowsTotal: number;
  simDone: number;
  simTotal: number;
  records: number;
  elapsedMs: number;
}

/** "[########------------] 7/20 rows  35%  sim 7:00 of 20:00  4.6k records  ETA 0:12" */
export function progressLine(s: ProgressState, width = 24): string {
  const share = s.simTotal > 0 ? Math.min(1, s.simDone / s.simTotal) : 0;
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const rows = s.rowsTotal > 1 ? ` ${s.rowsDone}/${s.rowsTotal} rows` : '';
  const records = s.records > 0 ? `  ${compact(s.records)} records` : '';
  return `${bar}${rows} ${String(Math.floor(share * 100)).padStart(3)}%  sim ${clock(s.simDone)} of ${clock(s.simTotal)}${records}  ETA ${eta(s)}`;
}

/** Remaining time from the simulated seconds done so far; "--:--" until there is something to go on. */
export function eta(s: ProgressState): string {
  if (s.simDone <= 0 || s.elapsedMs < 200) return '--:--';
  const remainingS = Math.max(0, ((s.simTotal - s.simDone) / s.simDone) * s.elapsedMs / 1000);
  return clock(remainingS);
}

export function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

function compact(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export class ProgressReporter {
  private readonly state: ProgressState;
  private readonly simByRow = new Map<string, number>();
  private readonly started: number;
  private lastDraw = -Infinity;

  constructor(
    rowsTotal: number,
    simTotal: number,
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    this.state = { rowsDone: 0, rowsTotal, simDone: 0, simTotal, records: 0, elapsedMs: 0 };
  }

  /** A row reached simulated second tS. */
  advance(rowId: string, tS: number): void {
    this.state.simDone += tS - (this.simByRow.get(rowId) ?? 0);
    this.simByRow.set(rowId, tS);
    if (this.tty) this.draw(false);
  }

  /** A row finished: `line` says how it went (printed as its own line when not on a TTY). */
  rowDone(rowId: string, simSeconds: number, records: number, line: string): void {
    this.advance(rowId, simSeconds);
    this.state.rowsDone++;
    this.state.records += records;
    if (this.tty) this.draw(true);
    else this.write(`${line}  (${this.state.rowsDone}/${this.state.rowsTotal}, ETA ${eta(this.snapshot())})\n`);
  }

  /** Clears the bar before the summary. */
  finish(): void {
    if (this.tty) this.write('\r\x1b[2K');
  }

  snapshot(): ProgressState {
    return { ...this.state, elapsedMs: this.now() - this.started };
  }

  private draw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.write(`\r\x1b[2K${progressLine(this.snapshot())}`);
  }
}
