// agent/: the vehicle side. Outbox (durable, sealed, quota-bounded), and the pieces built on it.
// Imports only proto/ and config/; the hub is reached over the wire, never imported.
export * from './outbox/index.js';
export { openOutboxDatabase, type OutboxDatabase } from './outbox/database.js';
export { systemClock, manualClock, type Clock } from './clock.js';
