// agent/uplink: MQTT transport from the outbox to the hub, freeing records only on the hub's ack.
// Pure helpers (backoff, rate limit) beside the connection.
export { Uplink, type UplinkOptions, type UplinkCounters } from './uplink.js';
export { backoffDelay } from './backoff.js';
export { ByteRateLimit } from './rate-limit.js';
