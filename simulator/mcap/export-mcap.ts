// Exports a verified mission as MCAP for Foxglove: one JSON channel per record kind under
// /fieldproof/<device>/, one message per record at its capture time, and a metadata record saying what
// the records are and whether their chain verified.
import { agentVersion } from '../../agent/index.js';
import type { BodyKind } from '../../proto/index.js';
import type { Mission } from '../replay/index.js';
import { isoOf } from '../replay/index.js';
import { channelSpec, messageData } from './channels.js';
import { McapFile } from './mcap-file.js';

export interface McapExportSummary {
  out: string;
  bytes: number;
  device_id: string;
  messages: number;
  channels: { topic: string; schema: string; messages: number }[];
  first_seq?: number;
  last_seq?: number;
  start?: string;
  end?: string;
  verified: boolean;
  key_ids: string[];
}

export const METADATA_NAME = 'fieldproof.mission';

export async function exportMcap(mission: Mission, out: string): Promise<McapExportSummary> {
  const file = await McapFile.create(out, `fieldproof ${agentVersion()}`);
  const channels = new Map<BodyKind, { id: number; topic: string; schema: string; messages: number }>();
  const keyIds = new Set<string>();
  const missionIds = new Set<string>();
  let messages = 0;
  let first: { seq: number; ns: bigint } | undefined;
  let last: { seq: number; ns: bigint } | undefined;
  try {
    for (const r of mission.records()) {
      if (!r.kind) continue;
      let channel = channels.get(r.kind);
      if (!channel) {
        const spec = channelSpec(mission.deviceId, r.kind);
        const id = await file.addJsonChannel(spec.topic, spec.schemaName, spec.schema, { device_id: mission.deviceId, body: r.kind });
        channel = { id, topic: spec.topic, schema: spec.schemaName, messages: 0 };
        channels.set(r.kind, channel);
      }
      await file.addMessage(channel.id, r.seq, r.timeUnixNs, messageData(r.record));
      channel.messages++;
      messages++;
      first ??= { seq: r.seq, ns: r.timeUnixNs };
      last = { seq: r.seq, ns: r.timeUnixNs };
      if (r.record.boot?.keyId) keyIds.add(r.record.boot.keyId);
      if (r.record.boot?.provenance?.missionId) missionIds.add(r.record.boot.provenance.missionId);
      if (r.record.keyRotation?.newKeyId) keyIds.add(r.record.keyRotation.newKeyId);
    }
    const v = mission.verification;
    await file.addMetadata(METADATA_NAME, {
      device_id: mission.deviceId,
      key_ids: [...keyIds].join(','),
      mission_ids: [...missionIds].join(','),
      first_seq: String(first?.seq ?? ''),
      last_seq: String(last?.seq ?? ''),
      records: String(messages),
      source: mission.source,
      source_path: mission.path,
      verified: String(v.ok),
      verification: v.ok
        ? `ok: every seal and link checked against ${v.trust}`
        : `FAILED at seq ${v.firstBadSeq}: ${v.problems[0]?.message ?? 'unknown problem'}`,
      explained_gaps: v.explainedGaps.map((g) => `${g.firstSeq}..${g.lastSeq}`).join(','),
      exported_by: `fieldproof ${agentVersion()}`,
    });
  } catch (err) {
    await file.abort();
    throw err;
  }
  const bytes = await file.close();
  return {
    out, bytes, device_id: mission.deviceId, messages,
    channels: [...channels.values()].map((c) => ({ topic: c.topic, schema: c.schema, messages: c.messages })),
    first_seq: first?.seq, last_seq: last?.seq, start: first && isoOf(first.ns), end: last && isoOf(last.ns),
    verified: mission.verification.ok, key_ids: [...keyIds],
  };
}

/** The export as terminal lines: what was written, then one line per channel. */
export function formatMcapSummary(s: McapExportSummary): string[] {
  const range = s.first_seq !== undefined ? `seq ${s.first_seq}..${s.last_seq}, ${s.start} .. ${s.end}` : 'no records';
  const width = Math.max(0, ...s.channels.map((c) => c.topic.length));
  return [
    `wrote ${s.out} (${s.bytes} bytes): ${s.messages} messages from ${s.device_id} (${range}), chain ${s.verified ? 'verified' : 'UNVERIFIED'}`,
    ...s.channels.map((c) => `  ${c.topic.padEnd(width)}  ${String(c.messages).padStart(7)}  ${c.schema}`),
    `open it in Foxglove (Open local file); the ${METADATA_NAME} metadata names the device, keys, seq range and verification`,
  ];
}
