// Summary: the page a reviewer reads first and prints on one sheet: the fleet's health, operating-domain
// coverage field vs simulation, drift bands, handovers and no-go per day, the worst cells and each checkpoint.
import { getJson } from '../api.js';
import type { Summary } from '../api-types.js';
import { chart } from '../charts.js';
import { h, link, replace, section } from '../dom.js';
import { count, day, decimal, duration, ofValid, percent, time, words } from '../format.js';
import { BAND, OKABE_ITO } from '../palette.js';
import { href } from '../routes.js';
import { failed, loading, noData } from '../states.js';
import { badge, table } from '../table.js';
import type { View } from '../view.js';
import { deviceTable } from './device-table.js';

const DAY_MS = 86_400_000;

function tile(label: string, value: string, target: string, tone: 'ok' | 'warn' | 'bad' | 'plain' = 'plain'): HTMLElement {
  return h('li', { class: `tile ${tone}` }, h('a', { href: target }, h('span', { class: 'tile-value' }, value), h('span', { class: 'tile-label' }, label)));
}

function tiles(s: Summary): HTMLElement {
  const d = s.devices;
  return h('ul', { class: 'tiles', id: 'fleet-tiles', 'aria-label': 'fleet at a glance' },
    tile('devices', count(d.total), '#devices'),
    tile('online', d.online === null ? 'unknown' : count(d.online), '#devices', d.online === null ? 'plain' : d.online < d.total ? 'warn' : 'ok'),
    tile(`silent over ${duration(d.silent_after_ms)}`, count(d.silent), '#devices', d.silent ? 'warn' : 'ok'),
    tile('with integrity failures', count(d.integrity_failures), '#devices', d.integrity_failures ? 'bad' : 'ok'),
    tile('with unexplained gaps', count(d.with_unexplained_holes), '#devices', d.with_unexplained_holes ? 'bad' : 'ok'));
}

function coverage(s: Summary): HTMLElement {
  const c = s.coverage;
  const rows = c.coverage.filter((x) => x.sources === 'all' || c.totals[x.sources].samples > 0);
  if (c.totals.all.samples === 0) return section('coverage', 'Operating-domain coverage', noData('Conditions samples'));
  const box = h('div', { class: 'chart small', id: 'coverage-chart' });
  const el = section('coverage', 'Operating-domain coverage',
    h('p', {}, `Share of the taxonomy's levels (t = 1), level pairs (pairwise) and full cells exercised at least ${c.min.min_samples} sample(s)`
      + ` and ${c.min.min_exposure_s} s. `, link(href('coverage'), 'Coverage details')),
    h('div', { class: 'pair' }, box, table('Coverage per source of evidence', [
      { title: 'evidence', cell: (x) => link(href('coverage', { source: x.sources }), x.sources) },
      { title: 'samples', numeric: true, cell: (x) => count(c.totals[x.sources].samples) },
      { title: 't = 1', numeric: true, cell: (x) => ofValid(x.t1.covered, x.t1.valid) },
      { title: 'pairwise', numeric: true, cell: (x) => ofValid(x.t2.covered, x.t2.valid) },
      { title: 'full cells', numeric: true, cell: (x) => ofValid(x.cells.covered, x.cells.valid) },
    ], rows, { id: 'coverage-table' })),
    h('p', {}, link(href('coverage', { go: 'uncovered' }), `${count(c.uncovered_pairs_total)} uncovered pairs`), ' · ',
      link(href('coverage', { go: 'field-only' }), `${count(c.field_only_pairs)} pairs only the field covered`),
      c.lag > 0 ? h('span', { class: 'warn-text' }, ` · ${count(c.lag)} records not analysed yet`) : null));
  queueMicrotask(() => chart(box, {
    grid: { left: 80, right: 16, top: 28, bottom: 24 },
    legend: { top: 0, data: ['t = 1', 'pairwise', 'full cells'] },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${Number(v).toFixed(1)}%` },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: rows.map((r) => r.sources), inverse: true },
    series: (['t1', 't2', 'cells'] as const).map((k, i) => ({
      name: ['t = 1', 'pairwise', 'full cells'][i], type: 'bar' as const, barMaxWidth: 14, data: rows.map((r) => Number((r[k].ratio * 100).toFixed(2))),
      itemStyle: { color: [OKABE_ITO.sky, OKABE_ITO.blue, OKABE_ITO.black][i] },
    })),
  }, `Coverage per source: ${rows.map((r) => `${r.sources} pairwise ${percent(r.t2.ratio)}`).join(', ')}`));
  return el;
}

function drift(s: Summary): HTMLElement {
  const features = s.drift.features;
  return section('drift', 'Drift: field against simulation',
    features.every((f) => f.band === 'no_data') ? noData('drift comparison', `It needs samples on both sides: ${s.drift.baseline} and ${s.drift.current}.`) : null,
    table(`Fleet drift per feature, ${s.drift.current} against ${s.drift.baseline}`, [
      { title: 'feature', cell: (f) => link(href('drift', { feature: f.feature }), f.feature) },
      { title: 'band', cell: (f) => badge(words(f.band), BAND[f.band] ?? '#8a8a8a', `band-${f.band}`) },
      { title: 'PSI', numeric: true, cell: (f) => decimal(f.psi) },
      { title: 'JS distance', numeric: true, cell: (f) => decimal(f.js) },
    ], features, { id: 'drift-table', class: 'compact' }));
}

function days(s: Summary): HTMLElement {
  if (s.days.length === 0) return section('days', 'Handovers and no-go per day', noData('handovers or decisions'));
  const box = h('div', { class: 'chart small', id: 'days-chart' });
  const el = section('days', 'Handovers and no-go per day', box,
    table('Per UTC day: accepted handovers and go/no-go decisions', [
      { title: 'day', cell: (d) => day(d.day_ms) },
      { title: 'handovers', numeric: true, cell: (d) => link(href('handovers', { since: new Date(d.day_ms).toISOString(), until: new Date(d.day_ms + DAY_MS).toISOString(), phase: 'ACCEPTED' }), count(d.handovers)) },
      { title: 'no-go', numeric: true, cell: (d) => link(href('decisions', { since: new Date(d.day_ms).toISOString(), until: new Date(d.day_ms + DAY_MS).toISOString(), verdict: 'NO_GO' }), count(d.no_go)) },
      { title: 'go', numeric: true, cell: (d) => count(d.go) },
    ], s.days.slice(-14), { id: 'days-table', class: 'compact' }));
  queueMicrotask(() => {
    const c = chart(box, {
      grid: { left: 40, right: 12, top: 28, bottom: 24 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: s.days.map((d) => day(d.day_ms)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: 'handovers', type: 'bar', barMaxWidth: 28, data: s.days.map((d) => d.handovers), itemStyle: { color: OKABE_ITO.blue } },
        { name: 'no-go', type: 'bar', barMaxWidth: 28, data: s.days.map((d) => d.no_go), itemStyle: { color: OKABE_ITO.vermillion } },
      ],
    }, `Handovers and no-go decisions per day over ${s.days.length} day(s)`);
    c.on('click', (p) => {
      const d = s.days[p.dataIndex];
      const q = { since: new Date(d.day_ms).toISOString(), until: new Date(d.day_ms + DAY_MS).toISOString() };
      location.hash = p.seriesName === 'no-go' ? href('decisions', { ...q, verdict: 'NO_GO' }) : href('handovers', { ...q, phase: 'ACCEPTED' });
    });
  });
  return el;
}

function worst(s: Summary): HTMLElement {
  return section('worst', 'Worst cells',
    h('p', {}, `Cells clearly worse than the whole fleet (no-go rate ${percent(s.whole.no_go_rate)} over ${count(s.whole.decisions)} decisions): `
      + `the limits of the safety claim. ${s.worse_cells_total} cell(s) flagged${s.worse_cells_total > s.worst_cells.length ? `, the worst ${s.worst_cells.length} shown` : ''}.`),
    s.worst_cells.length === 0 ? noData('cell clearly worse than the whole', '') : table('Cells clearly worse than the whole', [
      { title: 'cell', cell: (c) => link(href('decisions', { cell: c.cell, verdict: 'NO_GO' }), h('code', {}, c.cell)) },
      { title: 'decisions', numeric: true, cell: (c) => count(c.decisions) },
      { title: 'no-go', numeric: true, cell: (c) => count(c.no_go) },
      { title: 'no-go rate', numeric: true, cell: (c) => percent(c.no_go_rate) },
      { title: 'why', cell: (c) => h('ul', { class: 'reasons' }, c.reasons.map((x) => h('li', {}, x))) },
    ], s.worst_cells, { id: 'worst-table', class: 'compact' }));
}

export const summaryView: View = {
  nav: 'summary',
  title: 'Summary',
  async render({ root, signal }) {
    replace(root, h('h1', {}, 'Summary'), loading('the summary'));
    let s: Summary;
    try {
      s = await getJson<Summary>('/api/summary', {}, signal);
    } catch (e) {
      return replace(root, h('h1', {}, 'Summary'), failed('the summary', e));
    }
    replace(root,
      h('header', { class: 'view-head' }, h('h1', {}, 'Summary'),
        h('p', { class: 'muted' }, `Taxonomy ${s.taxonomy.id} (${s.taxonomy.fingerprint}) · generated ${time(s.generated_ms)}`,
          h('button', { type: 'button', class: 'secondary no-print', onclick: () => window.print() }, 'Print'))),
      s.devices.total === 0 ? noData('devices', 'No device has sent a segment to this hub.') : tiles(s),
      coverage(s),
      h('div', { class: 'grid-2' }, days(s), drift(s)),
      worst(s),
      section('devices', 'Devices and checkpoints', s.devices.rows.length ? deviceTable(s.devices.rows, s.generated_ms, s.devices.silent_after_ms) : noData('devices')),
      h('p', { class: 'muted print-only' }, `Printed from the fieldproof hub's reviewer view at ${time(Date.now())}.`));
  },
};
