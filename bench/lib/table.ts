// Prints benchmark rows as a plain-text table: figure, baseline and ratio side by side.
// Pure formatting; the runner decides where it goes.
import type { Row, Target } from './rows.js';

export interface Section {
  bench: string;
  rows: Row[];
  seconds: number;
  /** 1-minute load average when the benchmark started and when it ended (other work on the machine shows here). */
  load?: [number, number];
  error?: string;
}

const HEADERS = ['name', 'figure', 'unit', 'baseline', 'baseline figure', 'ratio', 'target'];
const RIGHT = new Set([1, 4, 5]);

/** A number with sensible precision: thousands grouped for rates, 3 significant digits for small values. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

function formatTarget(target: Target | undefined, met: boolean | undefined, unit: string): string {
  if (!target) return '';
  return `${target.op === '>=' ? '>=' : '<'} ${formatNumber(target.value)} ${unit}: ${met ? 'ok' : 'MISSED'}`;
}

export function renderTable(sections: Section[]): string {
  const lines: string[][] = [];
  const breaks = new Set<number>();
  for (const section of sections) {
    breaks.add(lines.length);
    const load = section.load ? `, load ${section.load[0].toFixed(2)} -> ${section.load[1].toFixed(2)}` : '';
    lines.push([`[${section.bench}] ${section.error ? `FAILED: ${section.error}` : `${section.seconds.toFixed(1)} s${load}`}`]);
    for (const r of section.rows) {
      lines.push([
        r.name, formatNumber(r.figure), r.unit,
        `${r.baseline.name} (${r.baseline.unit})`, formatNumber(r.baseline.figure),
        `${r.ratio.toPrecision(3)}x`, formatTarget(r.target, r.met, r.unit),
      ]);
      if (r.note) lines.push([`  ${r.note}`]);
    }
  }
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...lines.filter((l) => l.length > 1).map((l) => l[i].length)));
  const render = (cells: string[]) => cells.length === 1
    ? cells[0]
    : cells.map((c, i) => (RIGHT.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [render(HEADERS), rule];
  lines.forEach((l, i) => {
    if (breaks.has(i) && i > 0) out.push('');
    out.push(render(l));
  });
  return out.join('\n');
}
