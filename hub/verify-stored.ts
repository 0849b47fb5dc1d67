// Re-verifies what the hub holds for a device from the raw segments as received: every seal with the
// registered keys, every link, every hole explained. What an assessor would redo offline.
import { decodeSegment, KeyRing, verifyChain, type ChainReport, type SealMessage } from '../proto/index.js';
import type { HubStore } from './store/index.js';

export async function verifyStoredChain(store: HubStore, deviceId: string): Promise<ChainReport> {
  const devices = await store.listDevices();
  const keys = new KeyRing(devices.find((d) => d.deviceId === deviceId)?.keys.map((k) => k.publicKey) ?? []);
  const segments: { records: Uint8Array[]; seal: SealMessage }[] = [];
  for await (const s of store.rawSegments(deviceId)) {
    const message = decodeSegment(s.raw);
    segments.push({ records: message.records, seal: message.seal as SealMessage });
  }
  return verifyChain({ deviceId, base: { seq: 0, hash: new Uint8Array(32) }, segments, keys });
}
