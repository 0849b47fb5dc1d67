// agent/outbox: the durable, sealed, quota-bounded record store on the vehicle.
// Open with Outbox.open(); inspect with outboxStats() and verifyOutbox().
export { Outbox, type OutboxOptions, type AppendOptions, type Appended, type SealedSegment, type PendingSegment, type Evicted } from './outbox.js';
export { Priority, priorityOf, priorityName } from './priority.js';
export { OutboxError } from './errors.js';
export { planEviction, type EvictionRange } from './eviction.js';
export { outboxStats, type OutboxStats } from './stats.js';
export { verifyOutbox } from './verify-outbox.js';
export { readReceipts, type Receipt } from './receipts.js';
export { checkReceipts, type ReceiptCheck } from './check-receipts.js';
export type { ForkClaim, ForkResult } from './fork.js';
