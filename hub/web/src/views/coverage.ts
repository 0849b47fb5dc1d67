// Coverage: t-way figures per source, the pairwise heat map of two chosen dimensions, the uncovered pairs,
// the pairs only the field covered and, for a matrix run, planned against achieved. Aggregates only.
import { getJson, type Params } from '../api.js';
import type { CoverageGrid, CoverageReport, MatrixReport } from '../api-types.js';
import { h, link, replace, section } from '../dom.js';
import { filterForm } from '../filters.js';
import { combination, count, duration, ofValid } from '../format.js';
import { href, params } from '../routes.js';
import { failed, loading, noData } from '../states.js';
import { table } from '../table.js';
import type { View } from '../view.js';
import { heatmap, pairCells } from './coverage-heatmap.js';
import { plannedVsAchieved } from './coverage-matrix.js';

const SOURCES = ['all', 'field', 'simulation', 'replay', 'unspecified'];
const QUERY = ['device', 'since', 'until', 'a', 'b', 'source', 'matrix', 'limit'];

function figures(r: CoverageReport): HTMLElement {
  return section('tway', 't-way coverage',
    h('p', {}, `A level, pair or cell counts as covered with at least ${r.min.min_samples} sample(s) and ${r.min.min_exposure_s} s of exposure.`),
    table('Coverage per source of evidence: t = 1, pairwise (t = 2), 3-way and full cells', [
      { title: 'evidence', cell: (c) => c.sources },
      { title: 'samples', numeric: true, cell: (c) => count(r.totals[c.sources].samples) },
      { title: 'exposure', numeric: true, cell: (c) => duration(r.totals[c.sources].exposure_ms) },
      { title: 't = 1', numeric: true, cell: (c) => ofValid(c.t1.covered, c.t1.valid) },
      { title: 'pairwise', numeric: true, cell: (c) => ofValid(c.t2.covered, c.t2.valid) },
      { title: '3-way', numeric: true, cell: (c) => ofValid(c.t3.covered, c.t3.valid) },
      { title: 'full cells', numeric: true, cell: (c) => ofValid(c.cells.covered, c.cells.valid) },
    ], r.coverage, { id: 'tway-table' }));
}

function lists(r: CoverageReport, q: URLSearchParams): HTMLElement[] {
  const limit = Number(q.get('limit') ?? 50);
  const more = () => link(href('coverage', { ...params(q, QUERY), limit: Math.min(1000, limit * 4) }), `list up to ${Math.min(1000, limit * 4)}`);
  return [
    section('uncovered', `Uncovered pairs (${count(r.uncovered_pairs_total)})`,
      r.uncovered_pairs_total === 0 ? h('p', {}, 'Every allowed pair of levels is covered.') : h('ul', { class: 'pairs', id: 'uncovered-list' },
        r.uncovered_pairs.map((p) => h('li', {}, combination(p)))),
      r.uncovered_pairs.length < r.uncovered_pairs_total ? h('p', {}, `The first ${r.uncovered_pairs.length} are listed. `, more()) : null),
    section('field-only', `Pairs only the field covered (${r.field_only_pairs.length < limit ? count(r.field_only_pairs.length) : `the first ${count(limit)}`})`,
      h('p', { class: 'muted' }, 'Combinations the vehicles met that no simulation tested: where the test plan fell short.'),
      r.field_only_pairs.length === 0 ? h('p', {}, 'None: every pair the field met was also simulated (or the field has not reported yet).')
        : table('Pairs the field covered and no simulation did', [
          { title: 'pair', cell: (p) => combination(p.combination) },
          { title: 'samples', numeric: true, cell: (p) => count(p.samples) },
          { title: 'exposure', numeric: true, cell: (p) => duration(p.exposure_s * 1000) },
          { title: 'note', cell: (p) => (p.excluded ? 'excluded by a constraint' : '') },
        ], r.field_only_pairs, { id: 'field-only-table' }),
      r.field_only_pairs.length >= limit && limit < 1000 ? h('p', {}, more()) : null),
    r.observed_excluded_pairs.length ? section('excluded', 'Pairs seen that a constraint calls impossible',
      table('Revisit the constraint or the sensor', [
        { title: 'pair', cell: (p) => combination(p.combination) },
        { title: 'samples', numeric: true, cell: (p) => count(p.samples) },
        { title: 'exposure', numeric: true, cell: (p) => duration(p.exposure_s * 1000) },
      ], r.observed_excluded_pairs, { id: 'excluded-table' })) : h('span', {}),
  ];
}

export const coverageView: View = {
  nav: 'coverage',
  title: 'Coverage',
  async render({ root, route, signal }) {
    const q = route.query;
    const head = h('h1', {}, 'Coverage of the operating domain');
    replace(root, head, loading('coverage'));
    const window: Params = { device: q.get('device'), since: q.get('since'), until: q.get('until') };
    const matrixId = q.get('matrix');
    let r: CoverageReport;
    let planned: MatrixReport | Error | null = null;
    try {
      [r, planned] = await Promise.all([
        getJson<CoverageReport>('/api/coverage', { ...window, limit: q.get('limit') ?? 50, matrix: matrixId }, signal),
        matrixId ? getJson<MatrixReport>(`/api/matrix/${encodeURIComponent(matrixId)}`, { since: q.get('since'), until: q.get('until') }, signal).catch((e: Error) => e) : null,
      ]);
    } catch (e) {
      return replace(root, head, failed('coverage', e));
    }
    const dims = r.taxonomy.dimensions;
    const a = q.get('a') && dims.includes(q.get('a')!) ? q.get('a')! : dims[0];
    const b = q.get('b') && dims.includes(q.get('b')!) && q.get('b') !== a ? q.get('b')! : dims.find((d) => d !== a)!;
    const source = q.get('source') ?? 'all';
    const form = filterForm('coverage', [
      { name: 'a', label: 'rows', kind: 'select', options: dims.map((d) => ({ value: d, label: d })) },
      { name: 'b', label: 'columns', kind: 'select', options: dims.map((d) => ({ value: d, label: d })) },
      { name: 'source', label: 'source', kind: 'select', options: SOURCES.map((s) => ({ value: s, label: s })) },
      { name: 'device', label: 'device', kind: 'text', placeholder: 'every device' },
      { name: 'since', label: 'from', kind: 'time' },
      { name: 'until', label: 'until', kind: 'time' },
      { name: 'matrix', label: 'matrix run', kind: 'text', placeholder: 'matrix id' },
    ], new URLSearchParams({ ...Object.fromEntries(q), a, b, source }));
    const intro = h('p', { class: 'muted' }, `Taxonomy ${r.taxonomy.id} (${r.taxonomy.fingerprint}): ${dims.join(', ')}. `
      + `${r.device ? `Device ${r.device}.` : r.matrix ? `The devices of matrix run ${r.matrix}.` : 'Every device.'}`
      + `${r.lag > 0 ? ` ${count(r.lag)} records are not analysed yet.` : ''}`);
    const plan = planned instanceof Error ? failed(`matrix run ${matrixId}`, planned) : planned ? plannedVsAchieved(planned) : null;
    if (r.totals.all.samples === 0) return replace(root, head, form, intro, noData('Conditions samples', 'Coverage appears once the analyst has filed samples into cells.'), plan);
    const gridSlot = h('div', { id: 'grid-slot' }, loading('the heat map'));
    const la = q.get('la');
    const lb = q.get('lb');
    replace(root, head, form, intro,
      plan,
      figures(r), gridSlot,
      la !== null && lb !== null ? pairCells(r, a, la, b, lb) : null,
      ...lists(r, q));
    try {
      const grid = await getJson<CoverageGrid>('/api/coverage/grid', { ...window, a, b, source, matrix: matrixId }, signal);
      replace(gridSlot, heatmap(grid, (i, j) => `${href('coverage', { ...params(q, QUERY), a, b, source, la: grid.a_levels[i], lb: grid.b_levels[j], go: 'pair' })}`,
        la !== null && lb !== null ? { la, lb } : undefined, matrixId ? `; the devices of matrix run ${matrixId}` : ''));
    } catch (e) {
      if ((e as Error).name !== 'AbortError') replace(gridSlot, failed('the heat map', e));
    }
  },
};
