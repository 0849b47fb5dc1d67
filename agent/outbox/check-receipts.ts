// Checks the hub receipts an outbox keeps: each signed by the given hub key, naming this device, and
// agreeing with this outbox's own chain where it still holds the record. Read-only.
import { checkCheckpointSync, decodeCheckpoint, hashEquals, KeyRing } from '../../proto/index.js';
import type { OutboxDatabase } from './database.js';
import { readReceipts, type Receipt } from './receipts.js';
import { recordHashAt } from './record-at.js';

export interface ReceiptCheck {
  receipt: Receipt;
  /** 'verified': signature good and consistent; 'unchecked': no key given for its hub; otherwise what is wrong. */
  status: 'verified' | 'unchecked' | 'bad_signature' | 'wrong_device' | 'beyond_head' | 'hash_mismatch';
  detail: string;
}

export function checkReceipts(db: OutboxDatabase, hubPublicKeys: Uint8Array[] = []): ReceiptCheck[] {
  const state = db.prepare('SELECT device_id, head_seq, acked_seq, acked_hash FROM state WHERE id = 1').get() as
    { device_id: string; head_seq: number; acked_seq: number; acked_hash: Uint8Array };
  const ring = new KeyRing(hubPublicKeys);
  return readReceipts(db).map((receipt) => {
    const at = `hub ${receipt.hubKeyId} checkpoint at seq ${receipt.seq}`;
    if (receipt.deviceId !== state.device_id) return { receipt, status: 'wrong_device', detail: `${at} names device "${receipt.deviceId}"` };
    if (!ring.publicKey(receipt.hubKeyId)) return { receipt, status: 'unchecked', detail: `${at}: no public key given for this hub (--hub-pubkey)` };
    if (checkCheckpointSync(decodeCheckpoint(receipt.encoded), ring)) return { receipt, status: 'bad_signature', detail: `${at}: signature does not verify` };
    if (receipt.seq > state.head_seq) return { receipt, status: 'beyond_head', detail: `${at} is beyond this outbox's head ${state.head_seq}` };
    const own = receipt.seq === state.acked_seq ? state.acked_hash : recordHashAt(db, receipt.seq);
    if (own && !hashEquals(own, receipt.hash)) return { receipt, status: 'hash_mismatch', detail: `${at}: the hub's hash differs from this outbox's record` };
    return { receipt, status: 'verified', detail: `${at}: signature verifies${own ? ', hash matches this outbox' : ''}` };
  });
}
