// Timeline events as terminal lines: ISO time, mission-relative seconds, seq, what happened. ANSI colours
// only when asked (the CLI asks on a TTY without NO_COLOR). Pure.
import { conditionsText } from './conditions-summary.js';
import { criterionText } from './criterion-view.js';
import type { Mission } from './mission.js';
import type { ReplaySummary } from './republish.js';
import type { TimelineEvent, TimelineSummary } from './timeline.js';

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
type Colour = keyof typeof CODES;

export function paint(text: string, colour: Colour, on: boolean): string {
  return on ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
}

/** One line per event: `2026-11-27T03:20:31.917Z  +12.345s  #42  NO-GO      min_lux 60 (needs >= 100) · ...`. */
export function formatEvent(e: TimelineEvent, color = false): string {
  const [label, colour, text] = describe(e);
  const head = `${e.time}  ${`+${e.t.toFixed(3)}s`.padStart(11)}  ${`#${e.seq}`.padEnd(7)}`;
  return `${paint(head, 'dim', color)}${paint(label.padEnd(11), colour, color)}${text}`;
}

function describe(e: TimelineEvent): [string, Colour, string] {
  switch (e.type) {
    case 'conditions':
      return ['conditions', 'dim', `${conditionsText(e.summary)}${e.records > 1 ? ` (${e.records} records)` : ''}`];
    case 'decision': {
      const context = [e.risk_level && `level ${e.risk_level}`, e.criteria_version && `criteria ${e.criteria_version}`, trigger(e.trigger)].filter(Boolean).join(', ');
      if (e.verdict === 'NO_GO') {
        const failing = e.criteria.filter((c) => !c.pass).map(criterionText).join(', ') || e.reason || 'no criteria recorded';
        return ['NO-GO', 'red', `${failing}${context ? ` · ${context}` : ''}`];
      }
      if (e.verdict === 'GO') {
        const what = e.criteria.length ? `${e.criteria.length} criteria pass` : e.reason || 'go';
        return ['GO', 'green', `${what}${context ? ` · ${context}` : ''}`];
      }
      return ['decision', 'yellow', `verdict unspecified${e.reason ? `: ${e.reason}` : ''}`];
    }
    case 'handover': {
      const modes = e.from_mode || e.to_mode ? `${e.from_mode || '?'} -> ${e.to_mode || '?'} ` : '';
      const who = `(${authority(e.from_authority)} -> ${authority(e.to_authority)}) by ${e.initiator.replace('INITIATOR_UNSPECIFIED', 'unknown')}`;
      const extra = [e.operator_id && `operator ${e.operator_id}`, e.handover_id && `id ${e.handover_id}`, e.decision_seq && `decision #${e.decision_seq}`].filter(Boolean).join(', ');
      return ['handover', 'yellow', `${e.phase} ${modes}${who}${e.reason ? `: ${e.reason}` : ''}${extra ? ` [${extra}]` : ''}`];
    }
    case 'marker': {
      const tags = Object.entries(e.tags).map(([k, v]) => `${k}=${v}`).join(' ');
      const colour: Colour = e.severity === 'ALERT' ? 'red' : e.severity === 'WARNING' ? 'yellow' : 'cyan';
      return ['marker', colour, `${e.severity.replace('SEVERITY_UNSPECIFIED', 'NOTE')} ${e.kind}${e.text ? `: ${e.text}` : ''}${tags ? ` {${tags}}` : ''}`];
    }
    case 'gap':
      return ['gap', 'magenta', `seq ${e.first_seq}..${e.last_seq} missing: ${e.reason}${e.bytes_lost ? `, ${e.bytes_lost} bytes` : ''}${e.detail ? ` (${e.detail})` : ''}`];
    case 'boot': {
      const mission = [e.source, e.mission_id && `mission ${e.mission_id}`, e.vehicle_type && `(${e.vehicle_type})`, e.scenario && `scenario ${e.scenario}`].filter(Boolean).join(' ');
      return ['boot', 'blue', `agent ${e.agent_version || '?'}, key ${e.key_id || '?'}, ${mission}${e.hostname ? `, host ${e.hostname}` : ''}${e.acked_through ? `, acked through #${e.acked_through}` : ''}`];
    }
    case 'key_rotation':
      return ['key', 'magenta', `rotated ${e.old_key_id} -> ${e.new_key_id}${e.reason ? `: ${e.reason}` : ''}`];
  }
}

function authority(a: string): string {
  return a === 'AUTHORITY_UNSPECIFIED' ? '?' : a.toLowerCase().replace('_', ' ');
}

function trigger(t: string): string {
  return t === 'TRIGGER_UNSPECIFIED' ? '' : t.toLowerCase().replace('_', ' ');
}

/** What is being replayed and whether it verified: the first lines of a timeline. */
export function formatHeader(m: Pick<Mission, 'source' | 'path' | 'deviceId' | 'verification' | 'ackedThrough'>, color = false): string[] {
  const v = m.verification;
  const range = v.firstSeq !== undefined ? ` (seq ${v.firstSeq}..${v.lastSeq})` : '';
  const lines = [`mission of ${m.deviceId} from ${m.source === 'outbox' ? 'outbox' : 'hub store'} ${m.path}: ${v.records} records${range}`];
  if (v.ok) lines.push(paint(`  verified: every seal and link checked against ${v.trust}`, 'green', color));
  else lines.push(paint(`  UNVERIFIED: FAILED at seq ${v.firstBadSeq}: ${v.problems[0]?.message}; replayed anyway (--allow-unverified)`, 'red', color));
  if (m.ackedThrough) {
    lines.push(`  seq 1..${m.ackedThrough} were acknowledged by a hub and freed from this outbox: replay the hub store (with --device ${m.deviceId}) for the whole mission`);
  }
  return lines;
}

export function formatSummary(s: TimelineSummary): string {
  const k = s.kinds;
  const parts = [
    count(k.conditions, 'conditions', 'conditions'),
    `${count(k.decision, 'decision', 'decisions')} (${s.decisions.go} GO, ${s.decisions.no_go} NO-GO)`,
    count(k.handover, 'handover', 'handovers'),
    count(k.marker, 'marker', 'markers'),
    count(k.health, 'health', 'health'),
    count(k.gap, 'gap', 'gaps'),
    count(k.boot, 'boot', 'boots'),
  ];
  if (k.keyRotation) parts.push(count(k.keyRotation, 'key rotation', 'key rotations'));
  const range = s.first_seq !== undefined ? ` (seq ${s.first_seq}..${s.last_seq})` : '';
  return `${s.records} records${range} over ${s.duration_s.toFixed(1)} s: ${parts.join(', ')}`;
}

function count(n: number | undefined, one: string, many: string): string {
  return `${n ?? 0} ${n === 1 ? one : many}`;
}

/** The first NDJSON event of a replay: what is replayed and whether it verified. */
export function missionEvent(m: Pick<Mission, 'source' | 'path' | 'deviceId' | 'verification' | 'ackedThrough'>): Record<string, unknown> {
  const v = m.verification;
  return {
    type: 'mission', device_id: m.deviceId, source: m.source, path: m.path, acked_through: m.ackedThrough,
    verification: { ok: v.ok, records: v.records, first_seq: v.firstSeq, last_seq: v.lastSeq, trust: v.trust, first_bad_seq: v.firstBadSeq, problems: v.problems },
  };
}

/** The last line of a re-publish: what went where, as which seqs, and whether the hub acknowledged it all. */
export function formatReplaySummary(r: ReplaySummary, url: string): string {
  const state = r.drained ? `the hub acknowledged all of it (through seq ${r.acked_through})` : `the hub acknowledged through seq ${r.acked_through} only`;
  const markers = r.as_markers ? ` (and ${r.as_markers} original boot, gap or key rotation record${r.as_markers === 1 ? '' : 's'} as markers)` : '';
  return `replayed ${r.replayed} records${markers} of ${r.original_device} `
    + `(seq ${r.original_first_seq}..${r.original_last_seq}) to ${url} as ${r.device_id} seq ${r.first_seq}..${r.last_seq}; ${state} in ${(r.elapsed_ms / 1000).toFixed(1)} s`;
}
