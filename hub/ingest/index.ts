// hub/ingest: from an MQTT message to a verified, committed segment and the ack that follows.
// Pure decisions (decide, holes, topics) beside the handlers that do I/O through the store.
export { route, type RouteOutcome } from './router.js';
export { handleSegment, prepareSegment, outcomeOf, type SegmentLimits, type StoredOutcome } from './handle-segment.js';
export { buildAck, type AckSummary } from './build-ack.js';
export { decideSegment } from './decide.js';
export { unexplainedHoles } from './holes.js';
export { Rejection, type RejectionCode } from './rejection.js';
export { ackTopic, segTopic, stateTopic, subscription, parseTopic } from './topics.js';
