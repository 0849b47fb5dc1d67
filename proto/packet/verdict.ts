// What verifying a packet finds: per device what is proven, what is missing and what failed (file, device, seq),
// and every problem with a code. Plain data, printed by verdict-text.ts or as JSON. Pure.
import type { ChainProblemCode } from '../chain.js';
import type { PacketScope } from './layout.js';

export type PacketProblemCode =
  | 'ARCHIVE' | 'MANIFEST_MISSING' | 'MANIFEST_MALFORMED' | 'MANIFEST_NOT_CANONICAL' | 'FORMAT'
  | 'SIGNATURE_MISSING' | 'HUB_SIGNATURE' | 'HUB_KEY'
  | 'FILE_MISSING' | 'FILE_SIZE' | 'FILE_HASH' | 'FILE_UNLISTED' | 'FILE_DUPLICATE' | 'FILE_NOT_LISTED'
  | 'KEYS' | 'KEY_WINDOW' | 'FRAME' | ChainProblemCode | 'FIRST_SEQ' | 'LAST_SEQ'
  | 'CHECKPOINT_MISSING' | 'CHECKPOINT_SIGNATURE' | 'CHECKPOINT_NOT_REACHED' | 'CHECKPOINT_HASH'
  | 'REPORT_MALFORMED' | 'REPORT_MISMATCH' | 'EXTENDS';

export interface PacketProblem {
  code: PacketProblemCode;
  message: string;
  file?: string;
  device?: string;
  seq?: number;
}

export interface CheckpointVerdict {
  seq: number;
  /** Hex SHA-256 of the record at seq, as the hub signed it. */
  hash: string;
  hub_key_id: string;
  hub_time_unix_ms: number;
  /** verified: signed by the packet's hub key and reached with this hash. */
  status: 'verified' | 'failed';
}

export interface DeviceVerdict {
  device: string;
  ok: boolean;
  first_seq: number;
  last_seq: number;
  records: number;
  segments: number;
  key_ids: string[];
  checkpoint: CheckpointVerdict | null;
  /** Plain sentences: what the packet proves for this device. */
  proven: string[];
  /** Plain sentences: seqs the packet does not hold, and why (explained), or what it cannot speak for. */
  missing: string[];
  problems: PacketProblem[];
}

export interface ExtendsVerdict {
  ok: boolean;
  earlier_created_unix_ms: number | null;
  devices: { device: string; earlier_seq: number; status: 'extends' | 'differs' | 'missing' | 'not comparable'; message: string }[];
}

export interface PacketVerdict {
  ok: boolean;
  format: string | null;
  created_unix_ms: number | null;
  hub: {
    key_id: string | null;
    /** True when the caller gave the hub's public key and the packet is signed with it. */
    pinned: boolean;
    signature: 'verified' | 'failed' | 'missing';
  };
  scope: PacketScope | null;
  files: { listed: number; checked: number; bytes: number };
  devices: DeviceVerdict[];
  reports: { checked: string[]; decisions: number; handovers: number; ok: boolean };
  extends?: ExtendsVerdict;
  /** Every problem found, packet-wide and per device, in the order found. */
  problems: PacketProblem[];
}
