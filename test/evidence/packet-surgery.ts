// Takes a packet apart and puts it back together changed, as a forger would: edit, drop, add or repeat files or
// bytes, optionally rewrite the manifest to match and sign it with another key. Only tests use it.
import { TarWriter } from '../../hub/export/tar-writer.js';
import { sha256, sign, toHex, type DeviceKey } from '../../proto/index.js';
import { openPacketFile } from '../../proto/node.js';
import { canonicalBytes, manifestStatement, MANIFEST, MANIFEST_SIG, parseManifest, type Manifest } from '../../proto/packet/index.js';

export interface PacketFiles {
  /** In archive order. */
  files: { name: string; bytes: Uint8Array }[];
}

export async function readPacket(path: string): Promise<PacketFiles> {
  const p = await openPacketFile(path);
  try {
    const files = [];
    for (const e of p.entries) files.push({ name: e.name, bytes: new Uint8Array(await p.read(e)) });
    return { files };
  } finally {
    await p.close();
  }
}

export async function writePacket(path: string, packet: PacketFiles): Promise<void> {
  const tar = new TarWriter(path, new Date(0));
  for (const f of packet.files) await tar.add(f.name, f.bytes);
  await tar.close();
}

export function file(packet: PacketFiles, name: string | RegExp): { name: string; bytes: Uint8Array } {
  const f = packet.files.find((x) => (typeof name === 'string' ? x.name === name : name.test(x.name)));
  if (!f) throw new Error(`no ${name} in the packet (${packet.files.map((x) => x.name).join(', ')})`);
  return f;
}

export function manifestOf(packet: PacketFiles): Manifest {
  return parseManifest(file(packet, MANIFEST).bytes);
}

/** Rewrites the manifest to list the files as they now are (and applies `edit`), signed by `key`: a forger's packet. */
export async function reseal(packet: PacketFiles, key: DeviceKey, edit: (m: Manifest) => void = () => {}): Promise<void> {
  const m = manifestOf(packet);
  m.hub_key_id = key.keyId;
  m.files = packet.files.filter((f) => f.name !== MANIFEST && f.name !== MANIFEST_SIG)
    .map((f) => ({ name: f.name, size: f.bytes.length, sha256: toHex(sha256(f.bytes)) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  edit(m);
  const bytes = canonicalBytes(m);
  file(packet, MANIFEST).bytes = bytes;
  const signature = await sign(manifestStatement(key.keyId, sha256(bytes)), key.secretKey);
  file(packet, MANIFEST_SIG).bytes = canonicalBytes({ public_key: toHex(key.publicKey), signature: toHex(signature) });
}

/** A segment part's frames: [u32 length][u64 received ms][segment]. */
export function frames(part: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(part.buffer, part.byteOffset, part.byteLength);
  for (let at = 0; at < part.length;) {
    const end = at + 12 + view.getUint32(at);
    out.push(part.subarray(at, end));
    at = end;
  }
  return out;
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}
