// Planned against achieved for a matrix run: each row's planned cell, the share of its samples that landed
// there, whether it met the plan, and the cells it measured instead, from /api/matrix/<id>.
import type { MatrixReport } from '../api-types.js';
import { h, link, section } from '../dom.js';
import { count, percent } from '../format.js';
import { OKABE_ITO } from '../palette.js';
import { href } from '../routes.js';
import { noData } from '../states.js';
import { badge, table } from '../table.js';

export function plannedVsAchieved(m: MatrixReport): HTMLElement {
  const { rows, totals: t } = m;
  return section('matrix', `Planned against achieved: matrix ${m.matrix}`,
    h('p', { id: 'matrix-totals' }, `${count(t.planned)} of ${count(t.rows)} rows planned a cell; ${count(t.met)} met the plan (at least ${percent(m.threshold, 0)} `
      + `of their samples in the planned cell), ${count(t.not_met)} did not; ${percent(t.share)} of their samples fell in the planned cell.`),
    m.lag > 0 ? h('p', { class: 'warn-text' }, `${count(m.lag)} records of these devices are not analysed yet.`) : null,
    rows.length === 0 ? noData('rows for this matrix run')
      : table(`Matrix rows: planned cell against what the sensors measured`, [
        { title: 'row', cell: (r) => r.row_id },
        { title: 'device', cell: (r) => link(href('coverage', { device: r.device }), r.device) },
        { title: 'planned', cell: (r) => (r.planned_cell ? h('code', {}, r.planned_cell) : h('span', { class: 'muted' }, 'nothing planned')) },
        { title: 'samples', numeric: true, cell: (r) => count(r.samples) },
        { title: 'in plan', numeric: true, cell: (r) => percent(r.share) },
        { title: 'met', cell: (r) => (r.met === null ? '–' : r.met ? badge('met', OKABE_ITO.green) : badge('not met', OKABE_ITO.vermillion)) },
        {
          title: 'achieved (most samples first)',
          cell: (r) => h('span', {}, r.achieved.slice(0, 3).map((a, i) => [i ? ', ' : '', h('code', { class: a.planned ? 'in-plan' : undefined }, a.key), ` ${count(a.samples)}`]),
            r.achieved.length > 3 ? h('span', { class: 'muted' }, ` +${r.achieved.length - 3} more`) : null,
            r.unknown_names.length ? h('span', { class: 'bad' }, ` unknown to the taxonomy: ${r.unknown_names.join(', ')}`) : null),
        },
      ], rows, { id: 'matrix-table' }));
}
