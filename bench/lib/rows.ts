// What a benchmark returns: rows of one figure beside a baseline measured in the same run, as a ratio.
// Shared by every *.bench.ts module and the runner that prints them.

export interface Baseline {
  name: string;
  figure: number;
  unit: string;
  samples?: number[];
}

/** A pass mark from the design: the figure must be at least (`>=`) or below (`<`) the value. */
export interface Target {
  op: '>=' | '<';
  value: number;
}

export interface Row {
  name: string;
  figure: number;
  unit: string;
  baseline: Baseline;
  /** figure / baseline.figure */
  ratio: number;
  target?: Target;
  met?: boolean;
  note?: string;
  /** The figure of each run, when the figure is a median of several. */
  samples?: number[];
}

export interface BenchContext {
  /** Smaller N for a smoke run. */
  quick: boolean;
  /** A fresh directory under os.tmpdir(), removed by the runner when the benchmark ends. */
  dir: string;
  /** Progress, to stderr, so stdout stays a table or a JSON document. */
  log(line: string): void;
}

export type BenchFn = (ctx: BenchContext) => Promise<Row[]>;

export function row(name: string, figure: number, unit: string, baseline: Baseline, extra: { target?: Target; note?: string; samples?: number[] } = {}): Row {
  const met = extra.target && (extra.target.op === '>=' ? figure >= extra.target.value : figure < extra.target.value);
  return { name, figure, unit, baseline, ratio: figure / baseline.figure, ...extra, ...(extra.target ? { met } : {}) };
}
