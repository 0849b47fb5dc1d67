// The pairwise heat map: samples per level pair of two chosen dimensions on a viridis scale (log, so one busy
// pair does not wash out the rest), the same figures as a table of links, and a pair's full cells on click.
import type { CoverageGrid, CoverageReport } from '../api-types.js';
import { chart } from '../charts.js';
import { h, link, section } from '../dom.js';
import { count, duration } from '../format.js';
import { onViridis, viridis, VIRIDIS } from '../palette.js';
import { href } from '../routes.js';
import { noData } from '../states.js';
import { table } from '../table.js';

/** Colour position of a count: log10(n + 1) over log10(max + 1), so 1 and 5,000 samples both read. */
const UNSEEN = '#eeeeee';
const share = (n: number, max: number) => (n <= 0 || max <= 0 ? 0 : Math.log10(n + 1) / Math.log10(max + 1));

export function heatmap(grid: CoverageGrid, pickHref: (i: number, j: number) => string, picked?: { la: string; lb: string }, scope = ''): HTMLElement {
  const max = Math.max(0, ...grid.samples.flat());
  if (max === 0) return section('heatmap', `Samples by ${grid.a} and ${grid.b}`, noData(`samples from ${grid.source === 'all' ? 'any source' : grid.source}`));
  const box = h('div', { class: 'chart heat', id: 'heatmap-chart', style: `height:${Math.max(260, 48 + 34 * grid.a_levels.length)}px` });
  const data = grid.a_levels.flatMap((_, i) => grid.b_levels.map((_, j) => {
    const n = grid.samples[i][j];
    const s = share(n, max);
    const mark = picked && grid.a_levels[i] === picked.la && grid.b_levels[j] === picked.lb ? { borderColor: '#000000', borderWidth: 3 } : {};
    return { value: [j, i, n], itemStyle: { color: n > 0 ? viridis(s) : UNSEEN, ...mark }, label: { color: n > 0 ? onViridis(s) : '#555555', formatter: n > 0 ? count(n) : '–' } };
  }));
  const el = section('heatmap', `Samples by ${grid.a} (rows) and ${grid.b} (columns)`,
    h('p', { class: 'muted' }, `Source: ${grid.source}${scope}. Darker is fewer samples, yellow is most (log scale); grey "–" is never seen. `
      + 'Pick a square, or a count in the table below, for the full cells behind it.'),
    box,
    h('p', { class: 'scale', 'aria-hidden': 'true' }, h('span', {}, '1 sample'), h('span', { class: 'ramp', style: `background:linear-gradient(to right, ${VIRIDIS.join(', ')})` }),
      h('span', {}, `${count(max)} samples`), h('span', { class: 'swatch', style: `background:${UNSEEN}` }), h('span', {}, 'never seen')),
    h('details', { class: 'as-table' }, h('summary', {}, 'The heat map as a table'),
      table(`Samples by ${grid.a} and ${grid.b}`, [
        { title: `${grid.a} \\ ${grid.b}`, cell: (i: number) => grid.a_levels[i] },
        ...grid.b_levels.map((lb, j) => ({
          title: lb, numeric: true,
          cell: (i: number) => (grid.samples[i][j] > 0 ? link(pickHref(i, j), count(grid.samples[i][j])) : h('span', { class: 'muted' }, '–')),
        })),
      ], grid.a_levels.map((_, i) => i), { id: 'heatmap-table' })));
  queueMicrotask(() => {
    const c = chart(box, {
      grid: { left: 96, right: 24, top: 8, bottom: 64 },
      tooltip: {
        formatter: (p) => {
          const [j, i] = (p as unknown as { value: number[] }).value;
          return `${grid.a} ${grid.a_levels[i]}, ${grid.b} ${grid.b_levels[j]}<br>${count(grid.samples[i][j])} samples, ${duration(grid.exposure_s[i][j] * 1000)}`
            + `<br>${grid.covered[i][j] ? 'covered' : 'not covered'}`;
        },
      },
      xAxis: { type: 'category', data: grid.b_levels, name: grid.b, nameLocation: 'middle', nameGap: 40, splitArea: { show: true }, axisLabel: { interval: 0, rotate: grid.b_levels.length > 6 ? 30 : 0 } },
      yAxis: { type: 'category', data: grid.a_levels, name: grid.a, nameLocation: 'middle', nameGap: 80, splitArea: { show: true }, inverse: true },
      series: [{ type: 'heatmap', data, label: { show: true, fontSize: 11 }, itemStyle: { borderColor: '#ffffff', borderWidth: 1 }, emphasis: { itemStyle: { borderColor: '#000000', borderWidth: 2 } } }],
    }, `Heat map of samples by ${grid.a} and ${grid.b}; the same figures are in the table below it`);
    c.on('click', (p) => {
      const [j, i] = (p as unknown as { value: number[] }).value;
      if (grid.samples[i][j] > 0) location.hash = pickHref(i, j);
    });
  });
  return el;
}

/** The full cells behind one square: every cell with a = la and b = lb, with its counts per source. */
export function pairCells(r: CoverageReport, a: string, la: string, b: string, lb: string): HTMLElement {
  const cells = r.cells.filter((c) => c.cell[a] === la && c.cell[b] === lb).sort((x, y) => y.total.samples - x.total.samples);
  return section('pair', `Cells with ${a} = ${la} and ${b} = ${lb}`,
    cells.length === 0 ? noData('cells for this pair') : table(`${cells.length} cell(s) with ${a} = ${la} and ${b} = ${lb}`, [
      { title: r.taxonomy.dimensions.join(' / '), cell: (c) => h('code', {}, c.key) },
      { title: 'samples', numeric: true, cell: (c) => count(c.total.samples) },
      { title: 'exposure', numeric: true, cell: (c) => duration(c.total.exposure_ms) },
      { title: 'go', numeric: true, cell: (c) => count(c.total.go) },
      { title: 'no-go', numeric: true, cell: (c) => (c.total.no_go ? link(href('decisions', { cell: c.key, verdict: 'NO_GO' }), count(c.total.no_go)) : '0') },
      { title: 'handovers', numeric: true, cell: (c) => (c.total.handovers ? link(href('handovers', { cell: c.key }), count(c.total.handovers)) : '0') },
      { title: 'by source', cell: (c) => Object.entries(c.by_source).map(([s, x]) => `${s} ${count(x!.samples)}`).join(', ') },
    ], cells, { id: 'pair-table' }));
}
