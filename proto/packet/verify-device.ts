// One device of a packet: its keys, the hub's checkpoint, and its segments part by part through the chain walk,
// with key windows, seq continuity and the checkpoint reached; its records feed the report fold. Pure.
import { GENESIS, type ChainProblem } from '../chain.js';
import { checkCheckpoint, checkpointFields } from '../checkpoint.js';
import { decodeCheckpoint, decodeSegment, toNumber, type CheckpointMessage, type SealMessage } from '../codec.js';
import { hashEquals, toHex } from '../hash.js';
import type { KeyRing } from '../keys.js';
import { ChainWalk, type WalkHole } from '../verify-chain.js';
import { fromUtf8 } from './canonical-json.js';
import { FrameError, framesOf } from './frames.js';
import { keyRingOf, keyWindowProblem, parseDeviceKeys, type DeviceKeys, type PacketRotation } from './key-windows.js';
import { deviceFiles, type ManifestDevice } from './layout.js';
import { gapReasonName, type DeviceRow, type PacketReportFold } from './report-fold.js';
import type { CheckpointVerdict, DeviceVerdict, PacketProblem } from './verdict.js';

export interface DeviceInput {
  md: ManifestDevice;
  hubKeyId: string;
  /** The hub key the manifest is signed with (pinned, or as the packet gives it). */
  hubKeys: KeyRing;
  /** A file's bytes, hash-checked against the manifest; undefined when absent (already reported). */
  read(name: string): Promise<Uint8Array | undefined>;
  fold: PacketReportFold;
  /** Called after each segment part, so report rows are compared as they come. */
  afterPart(): Promise<void>;
  /** Seqs whose record hash the caller wants (an earlier packet's checkpoint, for --extends). */
  wantHashes: number[];
  onBytes(n: number): void;
}

export interface DeviceOutcome {
  verdict: DeviceVerdict;
  row: DeviceRow;
  /** The hash at each wanted seq the packet holds or explains. */
  hashes: Map<number, Uint8Array>;
}

export async function verifyDevice(input: DeviceInput): Promise<DeviceOutcome> {
  const { md } = input;
  const problems: PacketProblem[] = [];
  const problem = (p: Omit<PacketProblem, 'device'>) => problems.push({ ...p, device: md.device });
  const files = deviceFiles(md.dir, md.segment_parts);

  const keys = await readKeys(input, files.keys, problem);
  const cp = await readCheckpoint(input, files.checkpoint, problem);
  const wanted = new Set([...input.wantHashes, ...(cp ? [checkpointFields(cp).seq] : [])]);
  const hashes = new Map<number, Uint8Array>();

  const walk = new ChainWalk({ deviceId: md.device, base: md.first_seq === 1 ? GENESIS : undefined, keys: keyRingOf(keys) });
  const parts: { file: string; first: number }[] = [];
  const rotations: PacketRotation[] = [];
  const keyIds = new Set<string>();
  let windowProblems = 0;
  input.fold.beginDevice(md.device, md.first_seq);
  for (const file of files.segments) {
    const bytes = await input.read(file);
    if (!bytes) continue;
    try {
      for (const frame of framesOf(bytes)) {
        input.onBytes(frame.segment.length);
        let seal: SealMessage;
        let records: Uint8Array[];
        try {
          const m = decodeSegment(frame.segment);
          seal = m.seal as SealMessage;
          records = m.records;
        } catch (err) {
          problem({ code: 'DECODE', file, message: `${file}: the segment framed at byte ${frame.offset} does not decode: ${(err as Error).message}` });
          continue;
        }
        input.fold.segment();
        parts.push({ file, first: toNumber(seal?.firstSeq) });
        const result = walk.segment(records, seal);
        const segment = result.segment;
        if (!segment) continue;
        keyIds.add(segment.keyId);
        const last = segment.records[segment.records.length - 1];
        const bad = keyWindowProblem(keys, {
          keyId: segment.keyId, firstSeq: segment.firstSeq, receivedUnixMs: frame.receivedUnixMs, lastRecordUnixMs: Number(last.envelope.timeUnixNs / 1_000_000n),
        });
        if (bad) {
          windowProblems++;
          problem({ code: 'KEY_WINDOW', file, seq: segment.firstSeq, message: `segment seq ${segment.firstSeq}..${segment.lastSeq}: ${bad}` });
        }
        for (const r of segment.records) {
          if (wanted.has(r.seq)) hashes.set(r.seq, r.hash);
          if (r.envelope.kind === 'keyRotation') {
            const k = r.record.keyRotation;
            rotations.push({ seq: r.seq, old_key_id: k?.oldKeyId ?? '', new_key_id: k?.newKeyId ?? '' });
          }
          input.fold.record(r.bytes, r.envelope);
        }
      }
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      problem({ code: 'FRAME', file, message: `${file}: ${err.message}` });
    }
    await input.afterPart();
  }

  const report = walk.finish();
  const fileOf = (seq: number) => [...parts].reverse().find((p) => p.first <= seq)?.file ?? parts[0]?.file;
  for (const p of report.problems) problem({ code: p.code, seq: p.seq, file: fileOf(p.seq), message: chainMessage(p) });
  const firstSeq = report.firstSeq ?? 0;
  const lastSeq = report.lastSeq ?? 0;
  if (report.firstSeq === undefined) problem({ code: 'LAST_SEQ', message: `the packet holds no record of device ${md.device}` });
  else if (md.first_seq > 1 && firstSeq !== md.first_seq) {
    problem({ code: 'FIRST_SEQ', seq: firstSeq, file: files.segments[0], message: `the manifest says the packet starts at seq ${md.first_seq}; its first record is seq ${firstSeq}` });
  }
  if (report.firstSeq !== undefined && lastSeq !== md.last_seq) {
    problem({ code: 'LAST_SEQ', seq: lastSeq, file: files.segments.at(-1), message: `the manifest says the packet holds records through seq ${md.last_seq}; its segments end at seq ${lastSeq}` });
  }
  for (const h of walk.holes) for (const c of h.claims) if (wanted.has(c.lastSeq) && !hashes.has(c.lastSeq)) hashes.set(c.lastSeq, c.lastHash);
  const checkpoint = cp ? reachCheckpoint(cp, md, lastSeq, hashes, problem, files.checkpoint) : null;

  const listed = new Set(keys.rotations.map((r) => `${r.seq} ${r.old_key_id} ${r.new_key_id}`));
  const found = new Set(rotations.map((r) => `${r.seq} ${r.old_key_id} ${r.new_key_id}`));
  if (listed.size !== found.size || [...found].some((r) => !listed.has(r))) {
    problem({ code: 'KEYS', file: files.keys, message: `keys.json lists rotations [${[...listed].join('; ')}] but the records hold [${[...found].join('; ')}]` });
  }

  const row = input.fold.endDevice();
  const chainOk = report.problems.length === 0;
  const proven: string[] = [];
  const missing: string[] = [];
  if (report.firstSeq !== undefined && chainOk) {
    proven.push(`seq ${firstSeq}..${lastSeq}: ${report.records} records in ${report.segments} segments; every seal verifies (key ${[...keyIds].join(', ')}) and every record links to the one before`);
  }
  if (windowProblems === 0 && keyIds.size) proven.push('every segment was sealed by a key inside its registered window');
  if (checkpoint?.status === 'verified' && checkpoint.seq > 0) {
    proven.push(`the hub (key ${checkpoint.hub_key_id}) signed at ${new Date(checkpoint.hub_time_unix_ms).toISOString()} that it holds seq 1..${checkpoint.seq}; the packet reaches seq ${checkpoint.seq} with that hash`);
  }
  if (md.first_seq > 1) missing.push(`seq 1..${md.first_seq - 1}: before this packet's scope (it answers for seq ${md.first_seq} on)`);
  for (const h of walk.holes) if (h.explained) missing.push(holeSentence(h));
  if (checkpoint && checkpoint.seq < lastSeq && checkpoint.seq >= md.first_seq - 1) {
    missing.push(`seq ${checkpoint.seq + 1}..${lastSeq}: sealed by the device, but beyond the hub's checkpoint (the hub did not yet hold every seq before them)`);
  }
  return {
    verdict: {
      device: md.device, ok: problems.length === 0, first_seq: firstSeq, last_seq: lastSeq, records: report.records, segments: report.segments,
      key_ids: [...keyIds], checkpoint, proven, missing, problems,
    },
    row,
    hashes,
  };
}

async function readKeys(input: DeviceInput, file: string, problem: (p: Omit<PacketProblem, 'device'>) => void): Promise<DeviceKeys> {
  const none: DeviceKeys = { device: input.md.device, keys: [], rotations: [] };
  const bytes = await input.read(file);
  if (!bytes) return none;
  try {
    const keys = parseDeviceKeys(JSON.parse(fromUtf8(bytes)));
    if (keys.device !== input.md.device) throw new Error(`names device "${keys.device}", the manifest "${input.md.device}"`);
    return keys;
  } catch (err) {
    problem({ code: 'KEYS', file, message: `${file}: ${(err as Error).message}; no seal of this device can be checked` });
    return none;
  }
}

async function readCheckpoint(input: DeviceInput, file: string, problem: (p: Omit<PacketProblem, 'device'>) => void): Promise<CheckpointMessage | undefined> {
  const bytes = await input.read(file);
  if (!bytes) {
    problem({ code: 'CHECKPOINT_MISSING', file, message: `no hub checkpoint for ${input.md.device}: the packet's tail cannot be checked` });
    return undefined;
  }
  let cp: CheckpointMessage;
  try {
    cp = decodeCheckpoint(bytes);
  } catch (err) {
    problem({ code: 'CHECKPOINT_SIGNATURE', file, message: `${file}: ${(err as Error).message}` });
    return undefined;
  }
  if (cp.deviceId !== input.md.device) problem({ code: 'CHECKPOINT_SIGNATURE', file, message: `${file} is a checkpoint for "${cp.deviceId}", not "${input.md.device}"` });
  else if (cp.hubKeyId !== input.hubKeyId) problem({ code: 'CHECKPOINT_SIGNATURE', file, message: `${file} is signed by hub key ${cp.hubKeyId}, the manifest by ${input.hubKeyId}` });
  else if (await checkCheckpoint(cp, input.hubKeys)) problem({ code: 'CHECKPOINT_SIGNATURE', file, message: `${file}: the hub's signature over the checkpoint does not verify with key ${input.hubKeyId}` });
  else return cp;
  return undefined;
}

function reachCheckpoint(cp: CheckpointMessage, md: ManifestDevice, lastSeq: number, hashes: Map<number, Uint8Array>, problem: (p: Omit<PacketProblem, 'device'>) => void, file: string): CheckpointVerdict {
  const f = checkpointFields(cp);
  const verdict: CheckpointVerdict = { seq: f.seq, hash: toHex(f.hash), hub_key_id: f.hubKeyId, hub_time_unix_ms: Number(f.hubTimeUnixNs / 1_000_000n), status: 'failed' };
  const fail = (code: 'CHECKPOINT_NOT_REACHED' | 'CHECKPOINT_HASH', message: string) => {
    problem({ code, file, seq: f.seq, message });
    return verdict;
  };
  if (f.seq === 0) return { ...verdict, status: 'verified' };
  if (f.seq < md.first_seq) return fail('CHECKPOINT_NOT_REACHED', `the hub's checkpoint is at seq ${f.seq}, before the packet's first seq ${md.first_seq}`);
  if (f.seq > lastSeq) {
    return fail('CHECKPOINT_NOT_REACHED', `the hub signed that it holds seq 1..${f.seq}, but the packet's chain ends at seq ${lastSeq}: seq ${lastSeq + 1}..${f.seq} are missing (cut short at the tail?)`);
  }
  const hash = hashes.get(f.seq);
  if (!hash) return fail('CHECKPOINT_NOT_REACHED', `the hub's checkpoint names seq ${f.seq}, which the packet neither holds in a verified segment nor explains`);
  if (!hashEquals(hash, f.hash)) return fail('CHECKPOINT_HASH', `the hub signed hash ${toHex(f.hash).slice(0, 12)}… for seq ${f.seq}; the packet's record there hashes to ${toHex(hash).slice(0, 12)}…`);
  return { ...verdict, status: 'verified' };
}

function chainMessage(p: ChainProblem): string {
  if (p.code === 'SEQ_ORDER') return `${p.message}: a segment repeated or out of order`;
  return p.message;
}

function holeSentence(h: WalkHole): string {
  const why = h.claims.map((c) => `${gapReasonName(c.reason)} (record seq ${c.recordSeq})`).join(', ');
  return `seq ${h.first}..${h.last}: not in the packet, explained by signed claims: ${why}`;
}
