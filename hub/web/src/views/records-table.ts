// The records behind a figure: seq, time, kind, the decoded body, the sealed segment it came in, its seal
// status (re-verified by the hub when asked) and whether the hub's signed checkpoint covers it.
import type { RecordView } from '../api-types.js';
import { h } from '../dom.js';
import { count, time, value } from '../format.js';
import { OKABE_ITO } from '../palette.js';
import { badge, table } from '../table.js';

/** The body of a decoded record: the field named by its kind (conditions, decision, ...). */
export const bodyOf = (r: Pick<RecordView, 'kind' | 'record'>): unknown => r.record[r.kind] ?? r.record;

export function sealBadge(seal: string): HTMLElement {
  if (seal === 'verified') return badge('verified', OKABE_ITO.green, 'seal-verified');
  if (seal.startsWith('failed')) return badge(seal, OKABE_ITO.vermillion, 'seal-failed');
  return badge(seal, '#8a8a8a', 'seal-unchecked');
}

export function recordsTable(rows: RecordView[], caption: string, highlight?: number): HTMLElement {
  const t = table(caption, [
    { title: 'seq', numeric: true, cell: (r) => count(r.seq) },
    { title: 'time', nowrap: true, cell: (r) => time(r.time_ms) },
    { title: 'kind', cell: (r) => r.kind },
    {
      title: 'body',
      cell: (r) => h('details', {}, h('summary', {}, summaryOf(r)), h('pre', { class: 'json' }, JSON.stringify(bodyOf(r), null, 2))),
    },
    { title: 'segment', cell: (r) => h('span', { title: `sealed by key ${r.segment.key_id}` }, `${count(r.segment.first_seq)}–${count(r.segment.last_seq)}`) },
    { title: 'seal', cell: (r) => sealBadge(r.seal) },
    {
      title: 'checkpoint', cell: (r) => (r.checkpoint.covered ? badge(`covered (through ${count(r.checkpoint.stored_through)})`, OKABE_ITO.blue)
        : badge(`not yet (through ${count(r.checkpoint.stored_through)})`, OKABE_ITO.orange)),
    },
  ], rows, { id: 'records-table' });
  if (highlight !== undefined) {
    const i = rows.findIndex((r) => r.seq === highlight);
    t.querySelectorAll('tbody tr')[i]?.classList.add('highlight');
  }
  return t;
}

/** One line about the body, to read before opening it. */
function summaryOf(r: RecordView): string {
  const b = bodyOf(r) as Record<string, unknown>;
  switch (r.kind) {
    case 'decision': return `${String(b.verdict ?? '?')}${b.reason ? `: ${String(b.reason)}` : ''}`;
    case 'handover': return `${String(b.phase ?? '?')} ${String(b.fromAuthority ?? '?')} → ${String(b.toAuthority ?? '?')}`;
    case 'gap': return `gap ${String(b.firstSeq ?? '?')}–${String(b.lastSeq ?? '?')} ${String(b.reason ?? '')}`;
    case 'conditions': {
      const w = (b.weather ?? {}) as Record<string, unknown>;
      const l = (b.lighting ?? {}) as Record<string, unknown>;
      const o = (b.occlusion ?? {}) as Record<string, unknown>;
      return [w.precipitation, w.visibilityM !== undefined ? `${value(Number(w.visibilityM))} m` : '', l.lux !== undefined ? `${value(Number(l.lux))} lx` : '',
        o.fraction !== undefined ? `occlusion ${value(Number(o.fraction))}` : ''].filter(Boolean).join(' · ') || 'conditions';
    }
    default: return `${Object.keys(b).length} field(s)`;
  }
}
