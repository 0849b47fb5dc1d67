// Verifies an evidence packet offline: the manifest's hashes and the hub's signature over it, then each device
// (verify-device.ts), then every report recomputed from the records (row-check.ts). Needs proto/ alone. Pure.
import { verify } from '../ed25519.js';
import { fromHex, sha256Async, toHex } from '../hash.js';
import { KeyRing, keyIdOf } from '../keys.js';
import { fromUtf8 } from './canonical-json.js';
import {
  CELLS_FILE, DECISIONS_BASE, DEVICES_FILE, HANDOVERS_BASE, MANIFEST, MANIFEST_SIG, PACKET_FORMAT, TAXONOMY_FILE,
  deviceFiles, isCanonical, manifestStatement, parseManifest, parseSignature, partNames, type Manifest,
} from './layout.js';
import { taxonomyFromJson, type PacketTaxonomy } from './packet-taxonomy.js';
import type { PacketReader } from './reader.js';
import { PacketReportFold } from './report-fold.js';
import { describeDifference, firstDifference, plain, RowChecker } from './row-check.js';
import type { PacketProblem, PacketVerdict } from './verdict.js';
import { verifyDevice } from './verify-device.js';
import { checkExtends, type EarlierPoints } from './verify-extends.js';

export interface VerifyPacketOptions {
  /** The hub's raw public key, pinned by the assessor; without it the packet's own key is used and reported as not pinned. */
  hubPublicKey?: Uint8Array;
  /** An earlier packet this one must extend (same hash at each of its checkpoints). */
  earlier?: PacketReader;
  /** Segment bytes checked so far, of the total. */
  onProgress?(done: number, total: number): void;
}

export async function verifyPacket(reader: PacketReader, o: VerifyPacketOptions = {}): Promise<PacketVerdict> {
  const problems: PacketProblem[] = [];
  const problem = (p: PacketProblem) => problems.push(p);
  const verdict: PacketVerdict = {
    ok: false, format: null, created_unix_ms: null, hub: { key_id: null, pinned: false, signature: 'missing' }, scope: null,
    files: { listed: 0, checked: 0, bytes: 0 }, devices: [], reports: { checked: [], decisions: 0, handovers: 0, ok: false }, problems,
  };
  for (const message of reader.problems) problem({ code: 'ARCHIVE', message });
  const byName = new Map<string, (typeof reader.entries)[number]>();
  for (const e of reader.entries) {
    if (byName.has(e.name)) problem({ code: 'FILE_DUPLICATE', file: e.name, message: 'appears more than once in the archive' });
    else byName.set(e.name, e);
  }

  const manifestEntry = byName.get(MANIFEST);
  if (!manifestEntry) {
    problem({ code: 'MANIFEST_MISSING', file: MANIFEST, message: `${MANIFEST} is missing: not a packet, or cut short (the manifest is written last)` });
    return finish(verdict);
  }
  const manifestBytes = await reader.read(manifestEntry);
  let manifest: Manifest;
  try {
    manifest = parseManifest(manifestBytes);
  } catch (err) {
    problem({ code: 'MANIFEST_MALFORMED', file: MANIFEST, message: (err as Error).message });
    return finish(verdict);
  }
  verdict.format = manifest.format;
  verdict.created_unix_ms = manifest.created_unix_ms;
  verdict.scope = manifest.scope;
  verdict.hub.key_id = manifest.hub_key_id;
  if (manifest.format !== PACKET_FORMAT) problem({ code: 'FORMAT', file: MANIFEST, message: `format "${manifest.format}": this verifier reads ${PACKET_FORMAT}` });
  if (!isCanonical(manifestBytes, JSON.parse(fromUtf8(manifestBytes)))) problem({ code: 'MANIFEST_NOT_CANONICAL', file: MANIFEST, message: `${MANIFEST} is not in canonical JSON form (docs/evidence-format.md)` });

  const hubKey = await checkSignature(reader, byName, manifest, manifestBytes, o.hubPublicKey, verdict, problem);
  const hubKeys = new KeyRing(hubKey ? [hubKey] : []);

  // Every file read goes through here: its size and SHA-256 against the manifest, once.
  const listed = new Map(manifest.files.map((f) => [f.name, f]));
  verdict.files.listed = listed.size;
  const checked = new Set<string>();
  const reported = new Set<string>();
  const read = async (name: string): Promise<Uint8Array | undefined> => {
    const f = listed.get(name);
    if (!f && !reported.has(name)) {
      reported.add(name);
      problem({ code: 'FILE_NOT_LISTED', file: name, message: 'belongs to the packet but the manifest does not list it' });
    }
    const entry = byName.get(name);
    if (!entry) {
      if (!reported.has(`missing ${name}`)) {
        reported.add(`missing ${name}`);
        problem({ code: 'FILE_MISSING', file: name, message: 'not in the archive: removed, or the packet was cut short' });
      }
      return undefined;
    }
    const bytes = await reader.read(entry);
    if (!checked.has(name)) {
      checked.add(name);
      verdict.files.checked++;
      verdict.files.bytes += bytes.length;
      if (f && f.size !== bytes.length) problem({ code: 'FILE_SIZE', file: name, message: `${bytes.length} bytes where the manifest says ${f.size}: altered after the hub signed the manifest` });
      else if (f && toHex(await sha256Async(bytes)) !== f.sha256) {
        problem({ code: 'FILE_HASH', file: name, message: 'its SHA-256 does not match the manifest\'s: altered after the hub signed the manifest' });
      }
    }
    return bytes;
  };
  for (const e of reader.entries) {
    if (e.name !== MANIFEST && e.name !== MANIFEST_SIG && !listed.has(e.name) && !reported.has(`unlisted ${e.name}`)) {
      reported.add(`unlisted ${e.name}`);
      problem({ code: 'FILE_UNLISTED', file: e.name, message: 'in the archive but not in the manifest: added after the hub signed it' });
    }
  }

  let earlier: EarlierPoints | undefined;
  if (o.earlier) earlier = await earlierPoints(o.earlier, o.hubPublicKey);

  const taxonomy = await readTaxonomy(read, problem);
  const deviceOrder = new Map(manifest.devices.map((d, i) => [d.device, i]));
  const order = (device: string) => deviceOrder.get(device) ?? manifest.devices.length;
  const decisions = RowChecker.over('decision log', partNames(DECISIONS_BASE, manifest.reports.decisions_parts, 'jsonl'), read, order, problem);
  const handovers = RowChecker.over('handover log', partNames(HANDOVERS_BASE, manifest.reports.handovers_parts, 'jsonl'), read, order, problem);
  const fold = new PacketReportFold(taxonomy ?? { id: '', fingerprint: '', exposure_cap_ms: 0, dimensions: [] }, {
    decision: (row) => decisions.push(row),
    handover: (row) => handovers.push(row),
  });
  const reportProblems = () => problems.filter((p) => p.code === 'REPORT_MISMATCH' || p.code === 'REPORT_MALFORMED').length;
  const devicesReport = await readJson(read, DEVICES_FILE, problem) as { devices?: unknown[] } | undefined;

  const total = manifest.devices.reduce((n, d) => n + deviceFiles(d.dir, d.segment_parts).segments.reduce((m, s) => m + (listed.get(s)?.size ?? 0), 0), 0);
  let done = 0;
  const afterPart = async () => {
    if (!taxonomy) return;
    await decisions.drain();
    await handovers.drain();
  };
  const hashesByDevice = new Map<string, Map<number, Uint8Array>>();
  for (const [i, md] of manifest.devices.entries()) {
    const want = earlier?.points.get(md.device);
    const outcome = await verifyDevice({
      md, hubKeyId: manifest.hub_key_id, hubKeys, read, fold, afterPart, wantHashes: want ? [want.seq] : [],
      onBytes: (n) => {
        done += n;
        o.onProgress?.(done, total);
      },
    });
    verdict.devices.push(outcome.verdict);
    problems.push(...outcome.verdict.problems);
    hashesByDevice.set(md.device, outcome.hashes);
    if (taxonomy && devicesReport) {
      const d = firstDifference(plain(outcome.row), devicesReport.devices?.[i]);
      if (d) problem({ code: 'REPORT_MISMATCH', file: DEVICES_FILE, device: md.device, message: `devices report, device ${md.device}: ${describeDifference(d)}` });
    }
  }
  if (taxonomy) {
    await decisions.finish();
    await handovers.finish();
    if (devicesReport && (devicesReport.devices?.length ?? 0) !== manifest.devices.length) {
      problem({ code: 'REPORT_MISMATCH', file: DEVICES_FILE, message: `devices report: ${devicesReport.devices?.length ?? 0} rows for ${manifest.devices.length} devices` });
    }
    const cells = await readJson(read, CELLS_FILE, problem);
    const d = cells === undefined ? undefined : firstDifference(plain(fold.cellsReport()), cells);
    if (d) problem({ code: 'REPORT_MISMATCH', file: CELLS_FILE, message: `cells report: ${describeDifference(d)}` });
    verdict.reports = {
      checked: [TAXONOMY_FILE, DEVICES_FILE, CELLS_FILE, DECISIONS_BASE, HANDOVERS_BASE], decisions: decisions.count, handovers: handovers.count, ok: reportProblems() === 0,
    };
  }
  for (const name of listed.keys()) if (!checked.has(name)) await read(name);
  if (earlier) verdict.extends = checkExtends(earlier, verdict, hashesByDevice, manifest, problem);
  return finish(verdict);
}

function finish(verdict: PacketVerdict): PacketVerdict {
  verdict.ok = verdict.problems.length === 0;
  return verdict;
}

async function checkSignature(
  reader: PacketReader, byName: Map<string, PacketReader['entries'][number]>, manifest: Manifest, manifestBytes: Uint8Array,
  pinned: Uint8Array | undefined, verdict: PacketVerdict, problem: (p: PacketProblem) => void,
): Promise<Uint8Array | undefined> {
  const entry = byName.get(MANIFEST_SIG);
  if (pinned && keyIdOf(pinned) !== manifest.hub_key_id) {
    problem({ code: 'HUB_KEY', file: MANIFEST, message: `the manifest names hub key ${manifest.hub_key_id}, not the pinned key ${keyIdOf(pinned)}: this packet is not from that hub` });
  }
  if (!entry) {
    problem({ code: 'SIGNATURE_MISSING', file: MANIFEST_SIG, message: `${MANIFEST_SIG} is missing: nothing binds the manifest to a hub` });
    return pinned;
  }
  let publicKey: Uint8Array;
  let signature: Uint8Array;
  try {
    const sig = parseSignature(await reader.read(entry));
    publicKey = fromHex(sig.public_key);
    signature = fromHex(sig.signature);
  } catch (err) {
    problem({ code: 'HUB_SIGNATURE', file: MANIFEST_SIG, message: (err as Error).message });
    verdict.hub.signature = 'failed';
    return pinned;
  }
  if (keyIdOf(publicKey) !== manifest.hub_key_id) {
    problem({ code: 'HUB_KEY', file: MANIFEST_SIG, message: `${MANIFEST_SIG} carries key ${keyIdOf(publicKey)}, but the manifest names hub key ${manifest.hub_key_id}` });
  }
  const key = pinned ?? publicKey;
  const ok = await verify(signature, manifestStatement(manifest.hub_key_id, await sha256Async(manifestBytes)), key);
  verdict.hub.signature = ok ? 'verified' : 'failed';
  verdict.hub.pinned = !!pinned && keyIdOf(pinned) === manifest.hub_key_id;
  if (!ok) problem({ code: 'HUB_SIGNATURE', file: MANIFEST_SIG, message: `the hub's signature over ${MANIFEST} does not verify with key ${keyIdOf(key)}: the manifest was altered or re-signed` });
  return key;
}

async function readJson(read: (name: string) => Promise<Uint8Array | undefined>, name: string, problem: (p: PacketProblem) => void): Promise<unknown> {
  const bytes = await read(name);
  if (!bytes) return undefined;
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch (err) {
    problem({ code: 'REPORT_MALFORMED', file: name, message: `${name} is not JSON: ${(err as Error).message}` });
    return undefined;
  }
}

async function readTaxonomy(read: (name: string) => Promise<Uint8Array | undefined>, problem: (p: PacketProblem) => void): Promise<PacketTaxonomy | undefined> {
  const json = await readJson(read, TAXONOMY_FILE, problem);
  if (json === undefined) return undefined;
  try {
    return taxonomyFromJson(json);
  } catch (err) {
    problem({ code: 'REPORT_MALFORMED', file: TAXONOMY_FILE, message: `${TAXONOMY_FILE}: ${(err as Error).message}; the reports cannot be recomputed` });
    return undefined;
  }
}

/** The earlier packet, verified in full, and the checkpoint it holds for each device. */
async function earlierPoints(reader: PacketReader, hubPublicKey: Uint8Array | undefined): Promise<EarlierPoints> {
  const v = await verifyPacket(reader, { hubPublicKey });
  const points = new Map<string, { seq: number; hash: string }>();
  for (const d of v.devices) if (d.checkpoint?.status === 'verified' && d.checkpoint.seq > 0) points.set(d.device, { seq: d.checkpoint.seq, hash: d.checkpoint.hash });
  return { verdict: v, points };
}
