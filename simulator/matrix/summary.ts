// What a simulated run amounts to at the hub: per row, records committed by the agent, stored and
// re-verified at the hub, the Boot record's provenance, and the decisions and handovers that emerged.
import { decodeRecord, schema, toNumber } from '../../proto/index.js';
import type { RowResult } from './run-matrix.js';

/** What the summary needs from the hub's store (the CLI wires it to hub/, tests too). */
export interface HubReader {
  countRecords(deviceId: string): Promise<number>;
  /** Every seal and chain link re-checked from the raw segments as received. */
  verify(deviceId: string): Promise<{ ok: boolean; records: number; problem?: string }>;
  /** The encoded record with seq 1 (the Boot record), if stored. */
  firstRecord(deviceId: string): Promise<Uint8Array | undefined>;
}

export interface RowSummary {
  row: string;
  levels: Record<string, string>;
  deviceId: string;
  records: number;
  storedAtHub: number;
  verified: number;
  /** The Boot record says SIMULATION, this matrix, this row, this scenario and seed. */
  provenance: boolean;
  decisions: number;
  noGo: number;
  takeovers: number;
  handbacks: number;
  lost: number;
  problem?: string;
}

export interface RunSummary {
  rows: number;
  records: number;
  storedAtHub: number;
  verified: number;
  decisions: number;
  noGo: number;
  /** Takeover requests the agents raised, and hand-backs to autonomy. */
  handovers: number;
  handbacks: number;
  lost: number;
  provenanceOk: number;
  ok: boolean;
  perRow: RowSummary[];
}

export async function summarizeRows(results: RowResult[], hub: HubReader, matrixId: string): Promise<RunSummary> {
  const perRow: RowSummary[] = [];
  for (const r of results) {
    const stored = await hub.countRecords(r.deviceId);
    const check = await hub.verify(r.deviceId);
    const first = await hub.firstRecord(r.deviceId);
    const boot = first ? decodeRecord(first).boot : undefined;
    const p = boot?.provenance;
    const provenance = !!p && p.source === schema.Provenance.Source.SIMULATION && p.matrixId === matrixId && p.rowId === r.row.id
      && p.scenario === r.row.scenario.name && toNumber(p.seed) === r.row.scenario.seed;
    perRow.push({
      row: r.row.id, levels: r.row.levels, deviceId: r.deviceId, records: r.records, storedAtHub: stored,
      verified: check.ok ? check.records : 0, provenance, decisions: r.stats.decisions, noGo: r.stats.noGo,
      takeovers: r.stats.takeovers, handbacks: r.stats.handbacks, lost: Math.max(0, r.records - stored), problem: check.problem,
    });
  }
  const sum = (f: (x: RowSummary) => number) => perRow.reduce((n, x) => n + f(x), 0);
  const summary: RunSummary = {
    rows: perRow.length, records: sum((x) => x.records), storedAtHub: sum((x) => x.storedAtHub), verified: sum((x) => x.verified),
    decisions: sum((x) => x.decisions), noGo: sum((x) => x.noGo), handovers: sum((x) => x.takeovers), handbacks: sum((x) => x.handbacks),
    lost: sum((x) => x.lost), provenanceOk: perRow.filter((x) => x.provenance).length, ok: false, perRow,
  };
  summary.ok = summary.lost === 0 && summary.verified === summary.storedAtHub && summary.storedAtHub === summary.records && summary.provenanceOk === summary.rows;
  return summary;
}

/** The plan as a table: one line per row, its level per dimension. */
export function rowsTable(dimensions: string[], rows: { id: string; levels: Record<string, string> }[]): string {
  const header = ['row', ...dimensions];
  const body = rows.map((r) => [r.id, ...dimensions.map((d) => r.levels[d])]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** The summary as the CLI prints it. */
export function summaryText(s: RunSummary, dir: string): string {
  return [
    `  rows run       ${s.rows}`,
    `  records        ${s.records} captured`,
    `  stored at hub  ${s.storedAtHub}`,
    `  verified       ${s.verified} (every seal and chain link re-checked from the raw segments)`,
    `  provenance     ${s.provenanceOk}/${s.rows} Boot records say SIMULATION with scenario, seed, matrix and row ids`,
    decisionText({ decisions: s.decisions, noGo: s.noGo, takeovers: s.handovers, handbacks: s.handbacks }).trimEnd(),
    `  lost           ${s.lost}`,
    `  files in       ${dir}`,
    '',
  ].join('\n');
}

export function decisionText(s: { decisions: number; noGo: number; takeovers: number; handbacks: number }): string {
  return `  decisions      ${s.decisions} (${s.noGo} no-go)\n  handovers      ${s.takeovers} takeover requests, ${s.handbacks} handed back to autonomy\n`;
}
