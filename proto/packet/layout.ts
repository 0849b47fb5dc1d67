// An evidence packet's layout: the file names, the manifest (every file with its size and SHA-256) and the
// statement the hub signs over it. docs/evidence-format.md specifies each byte; this file is that spec in code. Pure.
import { toHex } from '../hash.js';
import { canonicalJson, fromUtf8, utf8 } from './canonical-json.js';

export const PACKET_FORMAT = 'fieldproof-evidence/1';
export const MANIFEST = 'manifest.json';
export const MANIFEST_SIG = 'manifest.sig';
export const TAXONOMY_FILE = 'reports/taxonomy.json';
export const CELLS_FILE = 'reports/cells.json';
export const DEVICES_FILE = 'reports/devices.json';
/** Streams split into parts: `<base>-000001.<ext>`, numbered from 1. */
export const DECISIONS_BASE = 'reports/decisions';
export const HANDOVERS_BASE = 'reports/handovers';
/** A part is closed before the frame or line that would take it past this size (one larger item gets a part alone). */
export const PART_BYTES = 4 * 1024 * 1024;

export function partName(base: string, n: number, ext: string): string {
  return `${base}-${String(n).padStart(6, '0')}.${ext}`;
}

export function partNames(base: string, count: number, ext: string): string[] {
  return Array.from({ length: count }, (_, i) => partName(base, i + 1, ext));
}

/** Each device's files live under devices/NNNN/, NNNN its 1-based place in the manifest's device list. */
export function deviceDir(index: number): string {
  return `devices/${String(index + 1).padStart(4, '0')}`;
}

export const deviceFiles = (dir: string, segmentParts: number) => ({
  keys: `${dir}/keys.json`,
  checkpoint: `${dir}/checkpoint.bin`,
  segments: partNames(`${dir}/segments`, segmentParts, 'bin'),
});

export interface ManifestFile {
  name: string;
  size: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface ManifestDevice {
  device: string;
  dir: string;
  /** The first seq the packet answers for: 1 means the chain from its start (genesis). */
  first_seq: number;
  /** The last record the packet holds. */
  last_seq: number;
  segment_parts: number;
}

export interface PacketScope {
  devices: string[] | null;
  matrix: string | null;
  since_unix_ms: number | null;
  until_unix_ms: number | null;
}

export interface Manifest {
  format: string;
  created_unix_ms: number;
  hub_key_id: string;
  scope: PacketScope;
  devices: ManifestDevice[];
  reports: { decisions_parts: number; handovers_parts: number };
  /** Every file of the packet but manifest.json and manifest.sig, sorted by name. */
  files: ManifestFile[];
}

/** manifest.sig: the hub's raw Ed25519 public key and its signature over manifestStatement(). */
export interface ManifestSignature {
  public_key: string;
  signature: string;
}

/**
 * The bytes the hub signs: three lines of ASCII, each ending in "\n". Its first line keeps it apart from seals
 * (binary, "fieldproof/v1/seal\0") and checkpoints ("fieldproof/v1/checkpoint/<device>").
 *
 *   fieldproof/v1/evidence-manifest
 *   hub <hub_key_id>
 *   sha256 <lower-case hex SHA-256 of manifest.json's bytes>
 */
export function manifestStatement(hubKeyId: string, manifestSha256: Uint8Array): Uint8Array {
  return utf8(`fieldproof/v1/evidence-manifest\nhub ${hubKeyId}\nsha256 ${toHex(manifestSha256)}\n`);
}

export class ManifestError extends Error {}

/** Parses and checks manifest.json's shape; throws ManifestError naming the member at fault. */
export function parseManifest(bytes: Uint8Array): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (err) {
    throw new ManifestError(`${MANIFEST} is not JSON: ${(err as Error).message}`);
  }
  const m = object(value, MANIFEST);
  const scope = object(m.scope, 'scope');
  const reports = object(m.reports, 'reports');
  return {
    format: str(m.format, 'format'),
    created_unix_ms: int(m.created_unix_ms, 'created_unix_ms'),
    hub_key_id: str(m.hub_key_id, 'hub_key_id', /^[0-9a-f]{16}$/),
    scope: {
      devices: scope.devices === null ? null : list(scope.devices, 'scope.devices').map((d, i) => str(d, `scope.devices[${i}]`)),
      matrix: scope.matrix === null ? null : str(scope.matrix, 'scope.matrix'),
      since_unix_ms: scope.since_unix_ms === null ? null : int(scope.since_unix_ms, 'scope.since_unix_ms'),
      until_unix_ms: scope.until_unix_ms === null ? null : int(scope.until_unix_ms, 'scope.until_unix_ms'),
    },
    devices: list(m.devices, 'devices').map((d, i) => {
      const o = object(d, `devices[${i}]`);
      return {
        device: str(o.device, `devices[${i}].device`, /^[\x21-\x7e]{1,128}$/),
        dir: str(o.dir, `devices[${i}].dir`, /^devices\/\d{4}$/),
        first_seq: int(o.first_seq, `devices[${i}].first_seq`, 1),
        last_seq: int(o.last_seq, `devices[${i}].last_seq`, 1),
        segment_parts: int(o.segment_parts, `devices[${i}].segment_parts`, 1),
      };
    }),
    reports: { decisions_parts: int(reports.decisions_parts, 'reports.decisions_parts'), handovers_parts: int(reports.handovers_parts, 'reports.handovers_parts') },
    files: list(m.files, 'files').map((f, i) => {
      const o = object(f, `files[${i}]`);
      return { name: str(o.name, `files[${i}].name`), size: int(o.size, `files[${i}].size`), sha256: str(o.sha256, `files[${i}].sha256`, /^[0-9a-f]{64}$/) };
    }),
  };
}

/** Whether `bytes` are exactly the canonical JSON of what they parse to. */
export function isCanonical(bytes: Uint8Array, parsed: unknown): boolean {
  const again = utf8(canonicalJson(parsed));
  return again.length === bytes.length && again.every((b, i) => b === bytes[i]);
}

export function parseSignature(bytes: Uint8Array): ManifestSignature {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (err) {
    throw new ManifestError(`${MANIFEST_SIG} is not JSON: ${(err as Error).message}`);
  }
  const o = object(value, MANIFEST_SIG);
  return { public_key: str(o.public_key, 'public_key', /^[0-9a-f]{64}$/), signature: str(o.signature, 'signature', /^[0-9a-f]{128}$/) };
}

function object(v: unknown, at: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ManifestError(`${at}: expected an object`);
  return v as Record<string, unknown>;
}

function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new ManifestError(`${at}: expected a list`);
  return v;
}

function str(v: unknown, at: string, pattern?: RegExp): string {
  if (typeof v !== 'string' || (pattern && !pattern.test(v))) throw new ManifestError(`${at}: expected ${pattern ? `a string matching ${pattern}` : 'a string'}, got ${JSON.stringify(v)}`);
  return v;
}

function int(v: unknown, at: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new ManifestError(`${at}: expected a whole number of at least ${min}, got ${JSON.stringify(v)}`);
  return v;
}
