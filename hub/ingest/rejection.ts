// Why the hub refused a message. Every rejection is permanent: the same bytes will never pass,
// so they are recorded and dropped, never retried (a genuine agent resends its own copy).
export type RejectionCode =
  | 'BAD_TOPIC' | 'OVERSIZED' | 'DECODE' | 'WRONG_DEVICE' | 'UNKNOWN_DEVICE' | 'UNKNOWN_KEY'
  | 'BAD_SEAL' | 'BAD_HASH' | 'SEQ_ORDER' | 'SEAL_RANGE' | 'BROKEN_LINK' | 'CONFLICT' | 'TOO_MANY_RECORDS';

export class Rejection extends Error {
  readonly permanent = true;
  constructor(readonly code: RejectionCode, message: string, readonly firstSeq: number | null = null, readonly lastSeq: number | null = null) {
    super(message);
    this.name = 'Rejection';
  }
}
