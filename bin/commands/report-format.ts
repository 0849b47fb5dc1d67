// How `fieldproof report` prints each report for a terminal: aligned tables, percentages, durations. Pure:
// the figures come from hub/reports and hub/analytics, the same objects --json prints.
import type { Taxonomy } from '../../config/odd-config.js';
import type { CoverageReport, MatrixReport, PerformanceReport } from '../../hub/index.js';
import { coverageGrid } from '../../hub/reports/coverage-grid.js';
import { CliError } from '../cli-support.js';

export const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export const pct = (covered: number, valid: number) => `${covered}/${valid} ${valid === 0 ? '100.0' : ((100 * covered) / valid).toFixed(1)}%`;
export const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};
const combo = (c: Record<string, string>) => Object.entries(c).map(([d, l]) => `${d}=${l}`).join(' ');

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Samples per level pair of two dimensions, from the report's cells; '-' where none. */
export function formatGrid(r: CoverageReport, taxonomy: Taxonomy, dims: string[]): string {
  if (dims.length !== 2) throw new CliError(`--grid: expected two of ${r.taxonomy.dimensions.join(', ')}, as A,B; got "${dims.join(',')}"`);
  let g;
  try {
    g = coverageGrid(r, taxonomy, dims[0], dims[1]);
  } catch (err) {
    throw new CliError(`--grid: ${(err as Error).message}`);
  }
  const rows = g.a_levels.map((la, i) => [la, ...g.b_levels.map((_, j) => (g.samples[i][j] ? String(g.samples[i][j]) : '-'))]);
  return `\nsamples by ${dims[0]} (rows) and ${dims[1]} (columns):\n` + table([`${dims[0]} \\ ${dims[1]}`, ...g.b_levels], rows);
}

export function formatCoverage(r: CoverageReport, cellLimit = 20): string {
  let out = `coverage under taxonomy ${r.taxonomy.id} (${r.taxonomy.fingerprint}), ${r.device ? `device ${r.device}` : 'every device'}`
    + `; covered at ${r.min.min_samples} sample(s) and ${r.min.min_exposure_s} s\n`;
  if (r.lag > 0) out += `note: ${r.lag} committed seqs not analysed yet (the hub's analyst is catching up; \`fieldproof hub reindex\` rebuilds)\n`;
  out += '\n' + table(['evidence', 'samples', 'exposure', 'go', 'no-go', 'handovers', 't=1', 't=2 (pairwise)', 't=3', 'full cells'],
    r.coverage.map((c) => {
      const t = r.totals[c.sources];
      return [c.sources, String(t.samples), duration(t.exposure_ms), String(t.go), String(t.no_go), String(t.handovers),
        pct(c.t1.covered, c.t1.valid), pct(c.t2.covered, c.t2.valid), pct(c.t3.covered, c.t3.valid), pct(c.cells.covered, c.cells.valid)];
    }));
  out += `\nuncovered pairs: ${r.uncovered_pairs_total}${r.uncovered_pairs.length < r.uncovered_pairs_total ? ` (first ${r.uncovered_pairs.length})` : ''}\n`;
  for (const p of r.uncovered_pairs) out += `  ${combo(p)}\n`;
  if (r.field_only_pairs.length) {
    out += `\npairs the field covered and no simulation did (first ${r.field_only_pairs.length}):\n`;
    for (const p of r.field_only_pairs) out += `  ${combo(p.combination)}  ${p.samples} samples, ${duration(p.exposure_s * 1000)}${p.excluded ? '  (excluded by a constraint)' : ''}\n`;
  }
  if (r.observed_excluded_pairs.length) {
    out += `\npairs seen that a constraint calls impossible (revisit the constraint or the sensor):\n`;
    for (const p of r.observed_excluded_pairs) out += `  ${combo(p.combination)}  ${p.samples} samples, ${duration(p.exposure_s * 1000)}\n`;
  }
  const cells = [...r.cells].sort((a, b) => b.total.samples - a.total.samples || (a.key < b.key ? -1 : 1)).slice(0, cellLimit);
  if (cells.length) {
    out += `\ncells seen: ${r.cells.length}${cells.length < r.cells.length ? ` (the ${cells.length} with most samples)` : ''}\n`;
    out += table([r.taxonomy.dimensions.join('/'), 'samples', 'exposure', 'go', 'no-go', 'handovers', 'sources'], cells.map((c) => [
      c.key, String(c.total.samples), duration(c.total.exposure_ms), String(c.total.go), String(c.total.no_go), String(c.total.handovers),
      Object.entries(c.by_source).map(([s, x]) => `${s} ${x!.samples}`).join(', '),
    ]));
  } else out += '\nno Conditions samples analysed yet\n';
  return out;
}


const num = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '-' : v.toFixed(digits));
const rate = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);

export function formatPerformance(r: PerformanceReport, cellLimit = 20): string {
  const w = r.whole;
  let out = `performance under taxonomy ${r.taxonomy.id}, ${r.device ? `device ${r.device}` : r.matrix ? `matrix ${r.matrix}` : 'every device'}`
    + `${r.sources ? `, ${r.sources.join('+')} evidence` : ''}\n`;
  if (r.lag > 0) out += `note: ${r.lag} committed seqs not analysed yet\n`;
  out += `whole: ${w.samples} samples, confidence mean ${num(w.confidence.mean)} (p10 ${num(w.confidence.p10)}), ${w.decisions} decisions, no-go ${rate(w.no_go_rate)}\n`;
  out += `worse than the whole: no-go when the Wilson ${r.rule.z === 1.96 ? '95%' : `z=${r.rule.z}`} lower bound exceeds the whole's rate (>= ${r.rule.min_decisions} decisions);`
    + ` confidence when its upper bound is ${r.rule.confidence_margin} below the whole's mean (>= ${r.rule.min_samples} samples)\n`;
  const cells = [...r.cells].sort((a, b) => Number(b.worse) - Number(a.worse) || (b.no_go_rate ?? -1) - (a.no_go_rate ?? -1) || b.decisions - a.decisions).slice(0, cellLimit);
  if (cells.length === 0) return out + '\nno samples or decisions analysed yet\n';
  out += `\ncells: ${r.cells.length}, flagged ${r.worse_cells.length}${cells.length < r.cells.length ? ` (the ${cells.length} first shown)` : ''}\n`;
  out += table([r.taxonomy.dimensions.join('/'), 'samples', 'conf mean', 'p10', 'decisions', 'no-go', 'rate', 'worse'], cells.map((c) => [
    c.key, String(c.samples), num(c.confidence.mean), num(c.confidence.p10), String(c.decisions), String(c.no_go), rate(c.no_go_rate),
    c.worse ? `WORSE (${c.worse_by.join(', ')})` : '-',
  ]));
  if (r.models.length > 1 || (r.models.length === 1 && r.models[0].model)) {
    out += '\nby model:\n' + table(['model', 'samples', 'conf mean', 'decisions', 'no-go rate', 'worse'], r.models.map((m) => [
      m.model || '(none)', String(m.samples), num(m.confidence.mean), String(m.decisions), rate(m.no_go_rate), m.worse ? `WORSE (${m.worse_by.join(', ')})` : '-',
    ]));
  }
  return out;
}

export function formatMatrix(m: MatrixReport): string {
  let out = `\nplanned vs achieved for matrix ${m.matrix}: ${m.totals.met} of ${m.totals.planned} rows met their plan`
    + ` (at least ${(100 * m.threshold).toFixed(0)}% of samples in the planned cell); ${rate(m.totals.share)} of all samples in plan\n`;
  out += table(['row', 'device', 'planned cell', 'samples', 'in plan', 'met', 'most measured'], m.rows.map((row) => {
    const top = [...row.achieved].sort((a, b) => b.samples - a.samples)[0];
    return [row.row_id, row.device, row.planned_cell ?? '-', String(row.samples), rate(row.share), row.met === null ? '-' : row.met ? 'yes' : 'NO',
      top ? `${top.key} (${top.samples})` : '-'];
  }));
  return out;
}
