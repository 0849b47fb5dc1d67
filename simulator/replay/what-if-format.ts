// A what-if report as terminal lines: each decision that would change, with the criteria responsible,
// then totals and the would-be handover requests. Colours only when asked. Pure.
import { criterionText } from './criterion-view.js';
import { paint } from './timeline-format.js';
import type { WhatIfReport } from './what-if.js';

export function formatWhatIf(r: WhatIfReport, criteriaFile: string, color = false): string[] {
  const lines = [`what-if: ${r.totals.decisions} recorded decisions re-evaluated against ${criteriaFile} `
    + `(level ${r.risk_level}, criteria ${r.criteria_version}, max input age ${r.max_input_age_ms} ms: ${r.criteria.join(', ') || 'no criteria'})`];
  for (const d of r.decisions) {
    if (!d.change) continue;
    const head = `${d.time}  ${`+${d.t.toFixed(3)}s`.padStart(11)}  ${`#${d.seq}`.padEnd(7)}`;
    if (d.change === 'GO->NO_GO') {
      lines.push(`${paint(head, 'dim', color)}${paint('GO -> NO-GO', 'red', color)}  would fail ${d.responsible.map(criterionText).join(', ')}`);
    } else {
      const was = d.responsible.length ? `was failing ${d.responsible.map(criterionText).join(', ')}` : `was ${d.original.verdict}`;
      lines.push(`${paint(head, 'dim', color)}${paint('NO-GO -> GO', 'green', color)}  ${was}; all ${d.would_be.criteria.length} new criteria pass`);
    }
  }
  const t = r.totals;
  if (t.changed === 0) lines.push('  no decision would change');
  lines.push(`totals: ${t.decisions} decisions, ${t.changed} would change (${t.go_to_no_go} GO -> NO-GO, ${t.no_go_to_go} NO-GO -> GO), ${t.unchanged} unchanged; `
    + `GO ${t.original.go} -> ${t.would_be.go}, NO-GO ${t.original.no_go} -> ${t.would_be.no_go}`);
  const failures = Object.entries(r.failures_by_criterion).filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`);
  if (failures.length) lines.push(`would fail: ${failures.join(', ')} (decisions per criterion)`);
  const h = r.handover_requests;
  const list = h.would_be.map((w) => `#${w.decision_seq} (+${w.t.toFixed(1)}s: ${w.failing.join(', ')})`).join(', ');
  lines.push(`handover requests: recorded ${h.recorded}, would be ${h.would_be.length}${list ? `: ${list}` : ''}`);
  return lines;
}
