// `fieldproof report coverage|drift|handovers|decisions|devices`: what the hub's store shows, read from the analyst's aggregates and the
// chain bookkeeping, as readable tables or as JSON (--json). Read-only: a running hub may share the store.
import type { Command } from 'commander';
import { defaultHubConfig, loadHubConfig } from '../../config/index.js';
import { loadOddFile, type Taxonomy } from '../../config/odd-config.js';
import type { CoverageReport, HubStore } from '../../hub/index.js';
import { coverageGrid } from '../../hub/reports/coverage-grid.js';
import { action, CliError, printJson } from '../cli-support.js';

interface StoreOpts { config?: string; store?: string; odd?: string; device?: string; json: boolean }

const hubModule = () => import('../../hub/index.js');

async function openReportStore(opts: StoreOpts): Promise<HubStore> {
  const config = opts.config ? loadHubConfig(opts.config) : defaultHubConfig();
  if (opts.store) config.store = { ...config.store, driver: 'sqlite', path: opts.store };
  return (await hubModule()).openStore(config.store);
}

const pct = (covered: number, valid: number) => `${covered}/${valid} ${valid === 0 ? '100.0' : ((100 * covered) / valid).toFixed(1)}%`;
const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};
const combo = (c: Record<string, string>) => Object.entries(c).map(([d, l]) => `${d}=${l}`).join(' ');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** An ISO 8601 time or Unix milliseconds, for --since and --until. */
function time(flag: string) {
  return (v: string): number => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) throw new CliError(`${flag}: expected an ISO 8601 time (2026-01-31T12:00Z) or Unix milliseconds, got "${v}"`);
    return ms;
  };
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
  out += '\n' + table(['evidence', 'samples', 'exposure', 'go', 'no-go', 'handovers', 't=1', 't=2 (pairwise)', 'full cells'],
    r.coverage.map((c) => {
      const t = r.totals[c.sources];
      return [c.sources, String(t.samples), duration(t.exposure_ms), String(t.go), String(t.no_go), String(t.handovers),
        pct(c.t1.covered, c.t1.valid), pct(c.t2.covered, c.t2.valid), pct(c.cells.covered, c.cells.valid)];
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

export function registerReport(program: Command): void {
  const report = program.command('report').description('reports from a hub store: operating-domain coverage, drift, handovers, decisions, devices');
  const common = (c: Command) => c
    .option('-c, --config <file>', 'hub config (YAML)')
    .option('--store <path>', 'SQLite store file (overrides store.path)')
    .option('--device <id>', 'one device only')
    .option('--json', 'print JSON', false);

  common(report.command('coverage'))
    .description('t = 1, pairwise and full-cell coverage of the taxonomy, per source, with the uncovered pairs and the cells seen')
    .option('--odd <file>', 'operating-domain taxonomy (default config/odd/default.yaml; the hub analyses under the default)')
    .option('--limit <n>', 'uncovered and field-only pairs listed at most', (v) => Number.parseInt(v, 10), 10)
    .option('--since <time>', 'hours from this time on (ISO 8601 or Unix ms; whole hours: the aggregates are hourly)', time('--since'))
    .option('--until <time>', 'hours before this time', time('--until'))
    .option('--grid <a,b>', 'also print samples per level pair of two dimensions, e.g. weather,lighting')
    .action(action(async (opts: StoreOpts & { limit: number; since?: number; until?: number; grid?: string }) => {
      const taxonomy = loadOddFile(opts.odd);
      const store = await openReportStore(opts);
      try {
        const r = await (await hubModule()).coverageReport(store, taxonomy, { deviceId: opts.device, limit: opts.limit, sinceMs: opts.since, untilMs: opts.until });
        if (opts.json) printJson(r);
        else process.stdout.write(formatCoverage(r) + (opts.grid ? formatGrid(r, taxonomy, opts.grid.split(',')) : ''));
      } finally {
        await store.close();
      }
    }));

  const window = (c: Command) => c
    .option('--since <time>', 'records from this time on (ISO 8601 or Unix ms)', time('--since'))
    .option('--until <time>', 'records before this time', time('--until'))
    .option('--odd <file>', 'taxonomy the cells were filed under (default config/odd/default.yaml)');
  const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

  window(common(report.command('handovers')))
    .description('the handover log: time, phase, modes and authorities, initiator, reason, latency, triggering decision, cell')
    .option('--phase <name>', 'only this phase (REQUESTED, ACCEPTED, REJECTED, TIMED_OUT)')
    .option('--initiator <name>', 'only this initiator (SYSTEM, OPERATOR, SAFETY)')
    .option('--to <authority>', 'only transfers to this authority (AUTONOMY, HUMAN, SAFETY_MONITOR): the direction')
    .option('--reason <text>', 'only reasons containing this text')
    .action(action(async (opts: StoreOpts & { since?: number; until?: number; phase?: string; initiator?: string; to?: string; reason?: string }) => {
      const taxonomy = loadOddFile(opts.odd);
      const store = await openReportStore(opts);
      try {
        const log = await (await hubModule()).handoverLog(store, taxonomy, {
          deviceId: opts.device, sinceMs: opts.since, untilMs: opts.until, phase: opts.phase, initiator: opts.initiator, to: opts.to, reason: opts.reason,
        });
        if (opts.json) return printJson(log);
        const rows = log.rows;
        if (rows.length === 0) return void process.stdout.write('no handovers analysed\n');
        process.stdout.write(table(['device', 'time', 'seq', 'id', 'phase', 'from', 'to', 'initiator', 'reason', 'latency', 'decision', 'cell'], rows.map((h) => [
          h.deviceId, iso(h.timeMs), String(h.seq), h.handoverId || '-', h.phase, `${h.fromMode || '?'} (${h.fromAuthority})`, `${h.toMode || '?'} (${h.toAuthority})`,
          h.initiator, h.reason || '-', h.latencyMs === null ? '-' : `${h.latencyMs} ms`, h.decisionSeq === null ? '-' : String(h.decisionSeq), h.cell ?? '-',
        ])));
      } finally {
        await store.close();
      }
    }));

  window(common(report.command('decisions')))
    .description('go/no-go decisions with their failing criteria; no-go counts by criterion and by cell; criteria versions per device')
    .action(action(async (opts: StoreOpts & { since?: number; until?: number }) => {
      const taxonomy = loadOddFile(opts.odd);
      const store = await openReportStore(opts);
      try {
        const log = await (await hubModule()).decisionLog(store, taxonomy, { deviceId: opts.device, sinceMs: opts.since, untilMs: opts.until });
        if (opts.json) return printJson(log);
        const { rows, ...summary } = log;
        const sorted = (m: Record<string, number>) => Object.entries(m);
        if (rows.length === 0) return void process.stdout.write('no decisions analysed\n');
        process.stdout.write(table(['device', 'time', 'seq', 'verdict', 'failed criteria', 'criteria', 'model', 'cell'], rows.map((d) => [
          d.deviceId, iso(d.timeMs), String(d.seq), d.verdict,
          d.criteria.filter((c) => !c.pass).map((c) => `${c.name} ${c.value === null ? 'n/a' : Number(c.value.toPrecision(4))} (${c.comparator} ${c.threshold}${c.unit ? ` ${c.unit}` : ''})`).join('; ') || '-',
          d.criteriaVersion || '-', d.modelId ? `${d.modelId} ${d.modelVersion}` : '-', d.cell ?? '-',
        ])));
        process.stdout.write(`\n${summary.decisions} decisions: ${summary.go} go, ${summary.no_go} no-go\n`);
        const byCriterion = sorted(summary.no_go_by_criterion);
        const byCell = sorted(summary.no_go_by_cell);
        if (byCriterion.length) process.stdout.write(`no-go by criterion: ${byCriterion.map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
        if (byCell.length) process.stdout.write(`no-go by cell: ${byCell.slice(0, 10).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
        for (const v of summary.criteria_versions) process.stdout.write(`criteria ${v.version || '(none)'} on ${v.device}: ${iso(v.first_ms)} to ${iso(v.last_ms)}, ${v.decisions} decisions\n`);
      } finally {
        await store.close();
      }
    }));

  window(common(report.command('drift')))
    .description('PSI and Jensen-Shannon distance per feature, for the fleet and per device: current samples against a baseline')
    .option('--baseline-source <source>', 'baseline: every sample of this source', 'simulation')
    .option('--current-source <source>', 'current: the samples of this source (within --since/--until)', 'field')
    .option('--baseline-until <time>', 'instead: baseline every sample before this time, current every one from it on', time('--baseline-until'))
    .action(action(async (opts: StoreOpts & { since?: number; until?: number; baselineSource: string; currentSource: string; baselineUntil?: number }) => {
      const taxonomy = loadOddFile(opts.odd);
      const store = await openReportStore(opts);
      try {
        const { driftReport } = await hubModule();
        const inWindow = (b: number) => (opts.since === undefined || b >= opts.since) && (opts.until === undefined || b < opts.until);
        const t = opts.baselineUntil;
        const r = driftReport(taxonomy, await store.analytics().histogramRows(taxonomy.fingerprint), t !== undefined
          ? { baseline: (x) => x.bucketMs < t, current: (x) => x.bucketMs >= t && inWindow(x.bucketMs) }
          : { baseline: (x) => x.source === opts.baselineSource, current: (x) => x.source === opts.currentSource && inWindow(x.bucketMs) });
        if (opts.device !== undefined) r.devices = r.devices.filter((d) => d.device === opts.device);
        if (opts.json) return printJson(r);
        const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(3));
        process.stdout.write(`drift under taxonomy ${r.taxonomy.id}: ${t !== undefined ? `before ${iso(t)} against from then on` : `${opts.currentSource} against ${opts.baselineSource}`}`
          + ` (PSI bands ${r.thresholds.psi_moderate} / ${r.thresholds.psi_significant})\n\nfleet:\n`);
        process.stdout.write(table(['feature', 'band', 'PSI', 'JS', 'baseline n', 'current n', 'missing (b/c)'], r.fleet.map((f) => [
          f.feature, f.band, fmt(f.psi), fmt(f.js), String(f.baseline_n), String(f.current_n), `${f.baseline_missing}/${f.current_missing}`,
        ])));
        for (const d of r.devices) {
          const moved = d.features.filter((f) => f.band === 'moderate' || f.band === 'significant');
          process.stdout.write(`${d.device}: ${moved.length ? moved.map((f) => `${f.feature} ${f.band} (PSI ${fmt(f.psi)})`).join(', ') : 'stable or no data'}\n`);
        }
      } finally {
        await store.close();
      }
    }));

  common(report.command('devices'))
    .description('per device: last seen, records, unexplained holes, rejections, integrity events, key ids')
    .action(action(async (opts: StoreOpts) => {
      const store = await openReportStore(opts);
      try {
        const rows = await (await hubModule()).deviceReport(store, { deviceId: opts.device });
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return void process.stdout.write('no records stored yet\n');
        process.stdout.write(table(['device', 'last seen', 'records', 'through', 'head', 'holes', 'rejected', 'integrity', 'keys'], rows.map((r) => [
          r.device + (r.revoked ? ' [REVOKED]' : ''), new Date(r.last_seen_ms).toISOString(), String(r.records), String(r.stored_through), String(r.head),
          r.holes.length ? r.holes.map((h) => `${h.first}..${h.last}`).join(',') : '-', String(r.rejections),
          r.integrity_events.length ? r.integrity_events.map((e) => e.kind).join(',') : '-',
          r.keys.map((k) => k.key_id + (k.revoked_ms !== null ? ' (revoked)' : '')).join(','),
        ])));
      } finally {
        await store.close();
      }
    }));
}
