// What a replay captures for each original record: the body itself for conditions, decisions, handovers,
// health and markers; a Marker for boots, gaps and key rotations, whose seq and key claims belong to
// the original chain and would be false in the new one. Pure.
import { bodyOf, schema, toHex, toNumber, type Body, type RecordMessage } from '../../proto/index.js';

/** Body kinds captured as they are: the content of the mission. */
export const VERBATIM_KINDS = new Set(['conditions', 'decision', 'handover', 'health', 'marker']);

export const REPLAY_MARKER = {
  START: 'replay.start',
  BOOT: 'replay.original_boot',
  GAP: 'replay.original_gap',
  KEY_ROTATION: 'replay.original_key_rotation',
} as const;

const { INFO, WARNING } = schema.Marker.Severity;

export function replayBody(seq: number, record: RecordMessage): Body | undefined {
  const body = bodyOf(record);
  if (!body) return undefined;
  if (VERBATIM_KINDS.has(record.body!)) return body;
  const tags: Record<string, string> = { original_seq: String(seq) };
  if ('boot' in body) {
    const b = body.boot;
    const p = b.provenance ?? {};
    Object.assign(tags, {
      agent_version: b.agentVersion ?? '', key_id: b.keyId ?? '', hostname: b.hostname ?? '', mission_id: p.missionId ?? '',
      config_hash: toHex(b.configHash ?? new Uint8Array(0)), criteria_hash: toHex(b.criteriaHash ?? new Uint8Array(0)),
      acked_through: String(toNumber(b.ackedThrough)),
    });
    return marker(REPLAY_MARKER.BOOT, INFO, `original boot: agent ${b.agentVersion || '?'}, key ${b.keyId || '?'}`, tags);
  }
  if ('gap' in body) {
    const g = body.gap;
    const range = `${toNumber(g.firstSeq)}..${toNumber(g.lastSeq)}`;
    Object.assign(tags, { first_seq: String(toNumber(g.firstSeq)), last_seq: String(toNumber(g.lastSeq)), reason: String(g.reason ?? 0), bytes_lost: String(toNumber(g.bytesLost)) });
    return marker(REPLAY_MARKER.GAP, WARNING, `original gap: seq ${range} missing${g.detail ? ` (${g.detail})` : ''}`, tags);
  }
  if ('keyRotation' in body) {
    const k = body.keyRotation;
    Object.assign(tags, { old_key_id: k.oldKeyId ?? '', new_key_id: k.newKeyId ?? '' });
    return marker(REPLAY_MARKER.KEY_ROTATION, INFO, `original key rotation ${k.oldKeyId} -> ${k.newKeyId}`, tags);
  }
  return undefined;
}

export interface ReplayOrigin {
  deviceId: string;
  source: string;
  path: string;
  firstSeq?: number;
  lastSeq?: number;
  verified: boolean;
  missionId: string;
  /** When the replay ran (ISO 8601); the marker itself carries the mission's first time. */
  replayedAt: string;
}

/** The first record of a replay after its Boot: what is replayed, from where, and whether it verified. */
export function replayStartMarker(o: ReplayOrigin): Body {
  return marker(REPLAY_MARKER.START, o.verified ? INFO : WARNING, `replay of ${o.deviceId} seq ${o.firstSeq ?? '-'}..${o.lastSeq ?? '-'} from ${o.source}${o.verified ? '' : ' (UNVERIFIED)'}`, {
    original_device: o.deviceId, original_first_seq: String(o.firstSeq ?? 0), original_last_seq: String(o.lastSeq ?? 0),
    source: o.source, source_path: o.path, verified: String(o.verified), mission_id: o.missionId, replayed_at: o.replayedAt,
  });
}

function marker(kind: string, severity: number, text: string, tags: Record<string, string>): Body {
  return { marker: { kind, severity, text, tags } };
}
