// `verify LATER --extends EARLIER`: the later packet holds, at each seq the earlier one's hub checkpoint names, a
// record with the same hash: the later evidence continues the earlier chain, nothing rewritten. Pure.
import { toHex } from '../hash.js';
import type { Manifest } from './layout.js';
import type { ExtendsVerdict, PacketProblem, PacketVerdict } from './verdict.js';

export interface EarlierPoints {
  verdict: PacketVerdict;
  /** Per device: the earlier packet's verified checkpoint. */
  points: Map<string, { seq: number; hash: string }>;
}

export function checkExtends(earlier: EarlierPoints, later: PacketVerdict, hashes: Map<string, Map<number, Uint8Array>>, manifest: Manifest, problem: (p: PacketProblem) => void): ExtendsVerdict {
  const out: ExtendsVerdict = { ok: true, earlier_created_unix_ms: earlier.verdict.created_unix_ms, devices: [] };
  const fail = (p: PacketProblem) => {
    out.ok = false;
    problem(p);
  };
  if (!earlier.verdict.ok) fail({ code: 'EXTENDS', message: `the earlier packet does not verify (${earlier.verdict.problems.length} problems; verify it alone to see them)` });
  if (earlier.verdict.hub.key_id !== later.hub.key_id) {
    fail({ code: 'EXTENDS', message: `the earlier packet is signed by hub key ${earlier.verdict.hub.key_id}, this one by ${later.hub.key_id}` });
  }
  if (earlier.verdict.created_unix_ms !== null && later.created_unix_ms !== null && earlier.verdict.created_unix_ms > later.created_unix_ms) {
    fail({ code: 'EXTENDS', message: 'the earlier packet was created after this one: give the earlier one to --extends' });
  }
  for (const [device, point] of earlier.points) {
    const md = manifest.devices.find((d) => d.device === device);
    const entry = (status: ExtendsVerdict['devices'][number]['status'], message: string) => {
      out.devices.push({ device, earlier_seq: point.seq, status, message });
      if (status !== 'extends') fail({ code: 'EXTENDS', device, seq: point.seq, message });
    };
    if (!md) {
      entry('missing', `device ${device} is in the earlier packet (checkpoint at seq ${point.seq}) but not in this one`);
      continue;
    }
    if (md.first_seq > point.seq) {
      entry('not comparable', `this packet starts at seq ${md.first_seq}, after the earlier checkpoint at seq ${point.seq}: it cannot show that it extends it`);
      continue;
    }
    const hash = hashes.get(device)?.get(point.seq);
    if (!hash) entry('differs', `this packet does not reach seq ${point.seq}, where the earlier packet's checkpoint stands`);
    else if (toHex(hash) !== point.hash) {
      entry('differs', `at seq ${point.seq} the earlier packet's chain has hash ${point.hash.slice(0, 12)}…, this one ${toHex(hash).slice(0, 12)}…: the chain was rewritten`);
    } else entry('extends', `same record at seq ${point.seq} (hash ${point.hash.slice(0, 12)}…); this packet continues to seq ${later.devices.find((d) => d.device === device)?.last_seq ?? '?'}`);
  }
  return out;
}
