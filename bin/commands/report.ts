// `fieldproof report coverage|drift|handovers|decisions|devices`: what the hub's store shows, read from the analyst's aggregates and the
// chain bookkeeping, as readable tables or as JSON (--json). Read-only: a running hub may share the store.
import type { Command } from 'commander';
import { defaultHubConfig, loadHubConfig } from '../../config/index.js';
import { loadOddFile, type Taxonomy } from '../../config/odd-config.js';
import { DriftSpecError, SPEC_FORMS } from '../../config/odd/drift-spec.js';
import { SOURCES, type Source } from '../../hub/analytics/coverage.js';
import type { HubStore } from '../../hub/index.js';
import { action, CliError, printJson } from '../cli-support.js';
import { formatCoverage, formatGrid, formatMatrix, formatPerformance, iso, table } from './report-format.js';

interface StoreOpts { config?: string; store?: string; odd?: string; device?: string; json: boolean }

const hubModule = () => import('../../hub/index.js');

async function openReportStore(opts: StoreOpts): Promise<HubStore> {
  const config = opts.config ? loadHubConfig(opts.config) : defaultHubConfig();
  if (opts.store) config.store = { ...config.store, driver: 'sqlite', path: opts.store };
  return (await hubModule()).openStore(config.store);
}

/** An ISO 8601 time or Unix milliseconds, for --since and --until. */
function time(flag: string) {
  return (v: string): number => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) throw new CliError(`${flag}: expected an ISO 8601 time (2026-01-31T12:00Z) or Unix milliseconds, got "${v}"`);
    return ms;
  };
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('reports from a hub store: operating-domain coverage, drift, handovers, decisions, devices');
  const common = (c: Command) => c
    .option('-c, --config <file>', 'hub config (YAML)')
    .option('--store <path>', 'SQLite store file (overrides store.path)')
    .option('--device <id>', 'one device only')
    .option('--json', 'print JSON', false);

  common(report.command('coverage'))
    .description('t = 1, pairwise, 3-way and full-cell coverage of the taxonomy, per source, with the uncovered pairs and the cells seen')
    .option('--odd <file>', 'operating-domain taxonomy (default config/odd/default.yaml; the hub analyses under the default)')
    .option('--limit <n>', 'uncovered and field-only pairs listed at most', (v) => Number.parseInt(v, 10), 10)
    .option('--since <time>', 'hours from this time on (ISO 8601 or Unix ms; whole hours: the aggregates are hourly)', time('--since'))
    .option('--until <time>', 'hours before this time', time('--until'))
    .option('--grid <a,b>', 'also print samples per level pair of two dimensions, e.g. weather,lighting')
    .option('--matrix <id>', 'only the devices of this matrix run, and each row\'s planned cell against what its sensors measured')
    .action(action(async (opts: StoreOpts & { limit: number; since?: number; until?: number; grid?: string; matrix?: string }) => {
      const taxonomy = loadOddFile(opts.odd);
      const store = await openReportStore(opts);
      try {
        const hub = await hubModule();
        const r = await hub.coverageReport(store, taxonomy, { deviceId: opts.device, limit: opts.limit, sinceMs: opts.since, untilMs: opts.until, matrixId: opts.matrix });
        const m = opts.matrix === undefined ? undefined : await hub.matrixReport(store, taxonomy, opts.matrix, { sinceMs: opts.since, untilMs: opts.until });
        if (m && m.rows.length === 0) throw new CliError(`--matrix: no device's Boot named matrix "${opts.matrix}" in this store`);
        if (opts.json) printJson(m ? { ...r, planned_vs_achieved: m } : r);
        else process.stdout.write(formatCoverage(r) + (opts.grid ? formatGrid(r, taxonomy, opts.grid.split(',')) : '') + (m ? formatMatrix(m) : ''));
      } finally {
        await store.close();
      }
    }));

  const window = (c: Command) => c
    .option('--since <time>', 'records from this time on (ISO 8601 or Unix ms)', time('--since'))
    .option('--until <time>', 'records before this time', time('--until'))
    .option('--odd <file>', 'taxonomy the cells were filed under (default config/odd/default.yaml)');

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
    .description('PSI and Jensen-Shannon distance per feature, for the fleet and per device: a current selection against a baseline')
    .option('--baseline <selection>', `baseline samples (default: the taxonomy's drift.baseline, source:simulation): ${SPEC_FORMS}`)
    .option('--current <selection>', 'current samples, narrowed to --since/--until (default: the taxonomy\'s drift.current, source:field)')
    .option('--events', 'instead: the band changes the hub\'s drift watcher recorded, newest first')
    .action(action(async (opts: StoreOpts & { since?: number; until?: number; baseline?: string; current?: string; events?: boolean }) => {
      const taxonomy = loadOddFile(opts.odd);
      const store = await openReportStore(opts);
      try {
        const hub = await hubModule();
        const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(3));
        if (opts.events) {
          const events = await store.analytics().driftEvents(taxonomy.fingerprint, { scope: opts.device, sinceMs: opts.since, untilMs: opts.until });
          if (opts.json) return printJson(events);
          if (events.length === 0) return void process.stdout.write('no drift band changes recorded\n');
          return void process.stdout.write(table(['time', 'scope', 'feature', 'from', 'to', 'PSI', 'JS', 'baseline'], events.map((e) => [
            iso(e.timeMs), e.scope, e.feature, e.fromBand, e.toBand, fmt(e.psi), fmt(e.js), e.baseline,
          ])));
        }
        let r;
        try {
          r = await hub.driftReportFor(store, taxonomy, { baseline: opts.baseline, current: opts.current, deviceId: opts.device, sinceMs: opts.since, untilMs: opts.until });
        } catch (err) {
          if (err instanceof DriftSpecError) throw new CliError(`--${err.message}`);
          throw err;
        }
        if (opts.json) return printJson(r);
        process.stdout.write(`drift under taxonomy ${r.taxonomy.id}: ${r.current.description} against ${r.baseline.description}`
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

  window(common(report.command('performance')))
    .description('perception confidence and no-go rate per cell and per model version, flagging the cells clearly worse than the whole')
    .option('--matrix <id>', 'only the devices of this matrix run')
    .option('--source <list>', 'only these sources, comma-separated (field, simulation, replay, unspecified)')
    .action(action(async (opts: StoreOpts & { since?: number; until?: number; matrix?: string; source?: string }) => {
      const taxonomy = loadOddFile(opts.odd);
      const sources = opts.source?.split(',');
      for (const x of sources ?? []) if (!(SOURCES as readonly string[]).includes(x)) throw new CliError(`--source: expected one of ${SOURCES.join(', ')}, got "${x}"`);
      const store = await openReportStore(opts);
      try {
        const r = await (await hubModule()).performanceReport(store, taxonomy, {
          deviceId: opts.device, sinceMs: opts.since, untilMs: opts.until, matrixId: opts.matrix, sources: sources as Source[] | undefined,
        });
        if (opts.json) return printJson(r);
        process.stdout.write(formatPerformance(r));
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
