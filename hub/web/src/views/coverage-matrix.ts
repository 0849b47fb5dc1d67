// Planned against achieved for a matrix run: each row's planned cell, the share of its samples that landed
// there, whether it met the plan, and the cells it measured instead, from /api/coverage?matrix=<id>.
import type { MatrixRowReport, MatrixTotals } from '../../../analytics/matrix.js';
import { h, link, section } from '../dom.js';
import { count, percent } from '../format.js';
import { OKABE_ITO } from '../palette.js';
import { href } from '../routes.js';
import { noData } from '../states.js';
import { badge, table } from '../table.js';

export interface MatrixSection {
  id?: string;
  totals?: MatrixTotals;
  rows?: MatrixRowReport[];
}

export function plannedVsAchieved(m: MatrixSection, matrixId: string): HTMLElement {
  const rows = m.rows ?? [];
  const t = m.totals;
  return section('matrix', `Planned against achieved: matrix ${m.id ?? matrixId}`,
    t ? h('p', { id: 'matrix-totals' }, `${count(t.planned)} of ${count(t.rows)} rows planned a cell; ${count(t.met)} met the plan, ${count(t.not_met)} did not; `
      + `${percent(t.share)} of their samples fell in the planned cell.`) : null,
    rows.length === 0 ? noData('rows for this matrix run', 'No device has booted with this matrix id, or the id is misspelled.')
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
