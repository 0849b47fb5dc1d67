// What the uplink does once a hub checkpoint has verified, for tests and benches that drive an Outbox
// without a hub: take a checkpoint at `seq` that names the outbox's own record there.
import type { Outbox } from '../../agent/index.js';
import { encodeCheckpoint, GENESIS_HASH } from '../../proto/index.js';

export const TEST_HUB_KEY_ID = 'feedfacefeedface';

export function ackThrough(outbox: Outbox, seq: number): { freedRecords: number; ackedSeq: number } {
  const checkpoint = { hubKeyId: TEST_HUB_KEY_ID, deviceId: outbox.deviceId, seq, hash: outbox.hashAt(seq) ?? GENESIS_HASH, hubTimeUnixNs: 0n };
  return outbox.acceptCheckpoint(checkpoint, encodeCheckpoint({ ...checkpoint, hubTimeUnixNs: 0 }));
}
