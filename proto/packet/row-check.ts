// Compares the reports a packet carries with the ones recomputed from its records: whole JSON files at once,
// JSON Lines logs row by row as the records are read (merged on device and seq), naming the first figure that differs. Pure.
import { canonicalJson, fromUtf8 } from './canonical-json.js';
import { linesOf } from './frames.js';
import type { PacketProblem } from './verdict.js';

/** A value as it reads back from JSON (undefined members dropped, non-finite numbers as null). */
export function plain(value: unknown): unknown {
  return JSON.parse(canonicalJson(value));
}

/** The path of the first place `found` differs from `expected` (both plain JSON), with both values; undefined when equal. */
export function firstDifference(expected: unknown, found: unknown, path = ''): { path: string; expected: unknown; found: unknown } | undefined {
  const here = { path: path || '(whole)', expected, found };
  if (expected === null || found === null || typeof expected !== 'object' || typeof found !== 'object') {
    return expected === found ? undefined : here;
  }
  if (Array.isArray(expected) !== Array.isArray(found)) return here;
  if (Array.isArray(expected)) {
    const f = found as unknown[];
    for (let i = 0; i < Math.max(expected.length, f.length); i++) {
      if (i >= expected.length || i >= f.length) return { path: `${path}[${i}]`, expected: expected[i], found: f[i] };
      const d = firstDifference(expected[i], f[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const e = expected as Record<string, unknown>;
  const o = found as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(e), ...Object.keys(o)])].sort()) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in e) || !(key in o)) return { path: at, expected: e[key], found: o[key] };
    const d = firstDifference(e[key], o[key], at);
    if (d) return d;
  }
  return undefined;
}

export function describeDifference(d: { path: string; expected: unknown; found: unknown }): string {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return `${d.path}: the records give ${show(d.expected)}, the report says ${show(d.found)}`;
}

interface Line {
  file: string;
  line: number;
  value: unknown;
}

/** The rows of a JSON Lines log split into parts, read one part at a time. */
class RowFile {
  private part = 0;
  private lines: string[] = [];
  private at = 0;

  constructor(private readonly names: string[], private readonly read: (name: string) => Promise<Uint8Array | undefined>, private readonly problem: (p: PacketProblem) => void) {}

  async next(): Promise<Line | undefined> {
    while (this.at >= this.lines.length) {
      if (this.part >= this.names.length) return undefined;
      const name = this.names[this.part++];
      const bytes = await this.read(name);
      this.lines = [];
      this.at = 0;
      if (!bytes) continue;
      let lines: string[] | undefined;
      try {
        lines = linesOf(fromUtf8(bytes));
      } catch {
        lines = undefined;
      }
      if (!lines) this.problem({ code: 'REPORT_MALFORMED', file: name, message: `${name} is not UTF-8 JSON Lines ending in a newline` });
      else this.lines = lines;
    }
    const file = this.names[this.part - 1];
    const line = this.at + 1;
    const text = this.lines[this.at++];
    try {
      return { file, line, value: JSON.parse(text) };
    } catch {
      this.problem({ code: 'REPORT_MALFORMED', file, message: `${file} line ${line} is not JSON` });
      return this.next();
    }
  }
}

/** How many mismatches a log reports one by one before it only counts them. */
const SHOWN = 20;

/**
 * Checks a log's rows against the recomputed ones as they come: both are in manifest device order, then seq.
 * A recomputed row the file lacks, a file row no record gives, and a row whose figures differ are each named.
 */
export class RowChecker {
  private readonly expected: { device: string; seq: number; row: unknown }[] = [];
  private pending: Line | undefined | null = null;
  private mismatches = 0;
  count = 0;

  constructor(
    private readonly what: string,
    private readonly file: RowFile,
    private readonly order: (device: string) => number,
    private readonly problem: (p: PacketProblem) => void,
  ) {}

  static over(what: string, names: string[], read: (name: string) => Promise<Uint8Array | undefined>, order: (device: string) => number, problem: (p: PacketProblem) => void): RowChecker {
    return new RowChecker(what, new RowFile(names, read, problem), order, problem);
  }

  push(row: { device: string; seq: number }): void {
    this.count++;
    this.expected.push({ device: row.device, seq: row.seq, row: plain(row) });
  }

  /** Compares every recomputed row so far with the file's. */
  async drain(): Promise<void> {
    let i = 0;
    for (; i < this.expected.length; i++) {
      const e = this.expected[i];
      for (;;) {
        const f = await this.peek();
        const fKey = f && keyOf(f.value);
        if (f && !fKey) {
          this.pending = null;
          this.report({ code: 'REPORT_MALFORMED', file: f.file, message: `${this.what}: ${f.file} line ${f.line} has no device and seq` });
          continue;
        }
        if (!f || !fKey || compare(this.order, fKey, e) > 0) {
          this.report({ code: 'REPORT_MISMATCH', device: e.device, seq: e.seq, file: f?.file, message: `${this.what}: the record at ${e.device} seq ${e.seq} gives a row the report lacks` });
          break;
        }
        this.pending = null;
        if (compare(this.order, fKey, e) < 0) {
          this.report({ code: 'REPORT_MISMATCH', device: fKey.device, seq: fKey.seq, file: f.file, message: `${this.what}: ${f.file} line ${f.line} (${fKey.device} seq ${fKey.seq}) has no record behind it in the packet` });
          continue;
        }
        const d = firstDifference(e.row, f.value);
        if (d) this.report({ code: 'REPORT_MISMATCH', device: e.device, seq: e.seq, file: f.file, message: `${this.what}: ${f.file} line ${f.line} (${e.device} seq ${e.seq}): ${describeDifference(d)}` });
        break;
      }
    }
    this.expected.splice(0, i);
  }

  /** After the last record: rows the file has beyond the recomputed ones. */
  async finish(): Promise<void> {
    await this.drain();
    for (let f = await this.peek(); f; f = await this.peek()) {
      this.pending = null;
      const k = keyOf(f.value);
      this.report({ code: 'REPORT_MISMATCH', file: f.file, device: k?.device, seq: k?.seq, message: `${this.what}: ${f.file} line ${f.line} has no record behind it in the packet` });
    }
    if (this.mismatches > SHOWN) this.problem({ code: 'REPORT_MISMATCH', message: `${this.what}: ${this.mismatches - SHOWN} more rows differ (${this.mismatches} in all)` });
  }

  private async peek(): Promise<Line | undefined> {
    if (this.pending === null) this.pending = await this.file.next();
    return this.pending;
  }

  private report(p: PacketProblem): void {
    if (++this.mismatches <= SHOWN) this.problem(p);
  }
}

function keyOf(v: unknown): { device: string; seq: number } | undefined {
  const o = v as { device?: unknown; seq?: unknown } | null;
  return o && typeof o.device === 'string' && typeof o.seq === 'number' ? { device: o.device, seq: o.seq } : undefined;
}

function compare(order: (device: string) => number, a: { device: string; seq: number }, b: { device: string; seq: number }): number {
  return order(a.device) - order(b.device) || a.seq - b.seq;
}
