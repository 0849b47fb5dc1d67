// `fieldproof export`: one evidence packet from the hub's store, streamed segment by segment into a tar archive
// (docs/evidence-format.md): raw segments as received, device keys with their windows, a hub checkpoint per device
// signed now, the reports recomputed by proto/'s fold, and the manifest with the hub's signature over it.
import { rename, rm } from 'node:fs/promises';
import type { Taxonomy } from '../../config/odd-config.js';
import {
  decodeEnvelope, decodeRecord, decodeSegment, encodeCheckpoint, sha256, sign, signCheckpoint, toHex, type DeviceKey,
} from '../../proto/index.js';
import {
  canonicalBytes, deviceDir, frameHeader, manifestStatement, taxonomyToJson, CELLS_FILE, DECISIONS_BASE, DEVICES_FILE, HANDOVERS_BASE,
  MANIFEST, MANIFEST_SIG, PACKET_FORMAT, PacketReportFold, TAXONOMY_FILE,
  type DeviceKeys, type DeviceRow, type Manifest, type ManifestDevice, type ManifestFile, type PacketTaxonomy,
} from '../../proto/packet/index.js';
import { DEFAULT_EXPOSURE_CAP_MS } from '../analytics/analyst-fold.js';
import type { HubStore } from '../store/index.js';
import { PartWriter } from './part-writer.js';
import { planExport, type DevicePlan, type ExportScope } from './scope.js';
import { TarWriter } from './tar-writer.js';

export interface ExportProgress {
  devicesDone: number;
  devicesTotal: number;
  device: string;
  records: number;
  bytes: number;
}

export interface ExportOptions {
  store: HubStore;
  /** Where the packet goes; written as OUT.partial and renamed when complete. */
  out: string;
  hubKey: DeviceKey;
  taxonomy: Taxonomy;
  scope?: ExportScope;
  exposureCapMs?: number;
  now?: () => number;
  onProgress?(p: ExportProgress): void;
}

export interface ExportSummary {
  out: string;
  hubKeyId: string;
  createdMs: number;
  devices: { device: string; first_seq: number; last_seq: number; records: number; segments: number; checkpoint_seq: number }[];
  records: number;
  decisions: number;
  handovers: number;
  files: number;
  bytes: number;
}

/** The taxonomy as a packet carries it. */
export function packetTaxonomy(t: Taxonomy, exposureCapMs = DEFAULT_EXPOSURE_CAP_MS): PacketTaxonomy {
  return {
    id: t.id, fingerprint: t.fingerprint, exposure_cap_ms: exposureCapMs,
    dimensions: t.dimensions.map((d) => ({ name: d.name, levels: d.levels.map((l) => ({ name: l.name, when: l.when })) })),
  };
}

export async function exportPacket(o: ExportOptions): Promise<ExportSummary> {
  const createdMs = (o.now ?? Date.now)();
  const scope = o.scope ?? {};
  const plans = await planExport(o.store, o.taxonomy, scope);
  const partial = `${o.out}.partial`;
  const tar = new TarWriter(partial, new Date(createdMs));
  const files: ManifestFile[] = [];
  let bytes = 0;
  const add = async (name: string, data: Uint8Array) => {
    files.push({ name, size: data.length, sha256: toHex(sha256(data)) });
    bytes += data.length;
    await tar.add(name, data);
  };
  try {
    const taxonomy = packetTaxonomy(o.taxonomy, o.exposureCapMs);
    await add(TAXONOMY_FILE, canonicalBytes(taxonomyToJson(taxonomy)));
    const decisions = new PartWriter(DECISIONS_BASE, 'jsonl', add);
    const handovers = new PartWriter(HANDOVERS_BASE, 'jsonl', add);
    const lines: { to: PartWriter; line: Uint8Array }[] = [];
    let decisionRows = 0;
    let handoverRows = 0;
    const fold = new PacketReportFold(taxonomy, {
      decision: (row) => { decisionRows++; lines.push({ to: decisions, line: canonicalLine(row) }); },
      handover: (row) => { handoverRows++; lines.push({ to: handovers, line: canonicalLine(row) }); },
    });
    const registry = new Map((await o.store.listDevices()).map((d) => [d.deviceId, d]));
    const manifestDevices: ManifestDevice[] = [];
    const rows: DeviceRow[] = [];
    const summary: ExportSummary['devices'] = [];
    let records = 0;
    for (const plan of plans) {
      const dir = deviceDir(manifestDevices.length);
      const segments = new PartWriter(`${dir}/segments`, 'bin', add);
      const rotations: DeviceKeys['rotations'] = [];
      let last: Uint8Array | undefined;
      let lastSeq = 0;
      let count = 0;
      fold.beginDevice(plan.deviceId, plan.firstSeq);
      for await (const s of o.store.rawSegments(plan.deviceId, plan.fromSegment)) {
        if (s.firstSeq > plan.throughSegment) break;
        fold.segment();
        for (const bytes of decodeSegment(s.raw).records) {
          const env = decodeEnvelope(bytes);
          fold.record(bytes, env);
          if (env.kind === 'keyRotation') {
            const k = decodeRecord(bytes).keyRotation;
            rotations.push({ seq: env.seq, old_key_id: k?.oldKeyId ?? '', new_key_id: k?.newKeyId ?? '' });
          }
          last = bytes;
          lastSeq = Math.max(lastSeq, env.seq);
          count++;
        }
        await segments.push(frameHeader(s.raw.length, s.receivedMs), s.raw);
        for (const { to, line } of lines.splice(0)) await to.push(line);
        o.onProgress?.({ devicesDone: manifestDevices.length, devicesTotal: plans.length, device: plan.deviceId, records: records + count, bytes });
      }
      const row = fold.endDevice();
      const parts = await segments.close();
      if (parts === 0 || !last) continue;
      records += count;
      rows.push(row);
      const keys: DeviceKeys = {
        device: plan.deviceId,
        keys: (registry.get(plan.deviceId)?.keys ?? []).map((k) => ({ key_id: k.keyId, public_key: toHex(k.publicKey), added_unix_ms: k.addedMs, revoked_unix_ms: k.revokedMs })),
        rotations,
      };
      await add(`${dir}/keys.json`, canonicalBytes(keys));
      const checkpointSeq = await addCheckpoint(o, plan, dir, lastSeq, last, createdMs, add);
      manifestDevices.push({ device: plan.deviceId, dir, first_seq: plan.firstSeq, last_seq: lastSeq, segment_parts: parts });
      summary.push({ device: plan.deviceId, first_seq: plan.firstSeq, last_seq: lastSeq, records: count, segments: row.segments, checkpoint_seq: checkpointSeq });
    }
    const decisionsParts = await decisions.close();
    const handoversParts = await handovers.close();
    await add(DEVICES_FILE, canonicalBytes({ devices: rows }));
    await add(CELLS_FILE, canonicalBytes(fold.cellsReport()));

    const manifest: Manifest = {
      format: PACKET_FORMAT, created_unix_ms: createdMs, hub_key_id: o.hubKey.keyId,
      scope: { devices: scope.devices ?? null, matrix: scope.matrixId ?? null, since_unix_ms: scope.sinceMs ?? null, until_unix_ms: scope.untilMs ?? null },
      devices: manifestDevices,
      reports: { decisions_parts: decisionsParts, handovers_parts: handoversParts },
      files: [...files].sort((a, b) => (a.name < b.name ? -1 : 1)),
    };
    const manifestBytes = canonicalBytes(manifest);
    const signature = await sign(manifestStatement(o.hubKey.keyId, sha256(manifestBytes)), o.hubKey.secretKey);
    await tar.add(MANIFEST, manifestBytes);
    await tar.add(MANIFEST_SIG, canonicalBytes({ public_key: toHex(o.hubKey.publicKey), signature: toHex(signature) }));
    await tar.close();
    await rename(partial, o.out);
    return {
      out: o.out, hubKeyId: o.hubKey.keyId, createdMs, devices: summary, records, decisions: decisionRows, handovers: handoverRows,
      files: files.length + 2, bytes: bytes + manifestBytes.length,
    };
  } catch (err) {
    tar.abort();
    await rm(partial, { force: true });
    throw err;
  }
}

/**
 * The hub's checkpoint for the device, signed now: its contiguous point (every seq up to it stored or explained),
 * or, when a time window ends before the device's newest records, the packet's last seq (the hub holds it too).
 */
async function addCheckpoint(o: ExportOptions, plan: DevicePlan, dir: string, lastSeq: number, last: Uint8Array, createdMs: number, add: (name: string, data: Uint8Array) => Promise<void>): Promise<number> {
  const state = await o.store.deviceState(plan.deviceId);
  const contiguous = state?.contiguousSeq ?? 0;
  const atTail = plan.cutAtTail && lastSeq <= contiguous;
  const fields = {
    hubKeyId: o.hubKey.keyId, deviceId: plan.deviceId,
    seq: atTail ? lastSeq : contiguous,
    hash: atTail ? sha256(last) : state?.contiguousHash ?? new Uint8Array(32),
    hubTimeUnixNs: BigInt(createdMs) * 1_000_000n,
  };
  await add(`${dir}/checkpoint.bin`, encodeCheckpoint(signCheckpoint(fields, o.hubKey.secretKey)));
  return fields.seq;
}

function canonicalLine(row: unknown): Uint8Array {
  const bytes = canonicalBytes(row);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = 0x0a;
  return out;
}
