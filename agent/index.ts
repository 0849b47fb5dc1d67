// agent/: the vehicle side. Outbox (durable, sealed, quota-bounded), uplink to the hub, the agent process.
// Imports only proto/ and config/; the hub is reached over the wire, never imported.
export * from './outbox/index.js';
export { openOutboxDatabase, type OutboxDatabase } from './outbox/database.js';
export { systemClock, manualClock, type Clock } from './clock.js';
export { Uplink, backoffDelay, ByteRateLimit, type UplinkCounters } from './uplink/index.js';
export { Agent, type AgentStartOptions } from './agent.js';
export { bootBody, configHash, type BootExtras } from './boot.js';
export { agentVersion } from './version.js';
export { createLogger, type Logger } from './observability.js';
export { CapturePipeline, DecisionTrigger, type DecisionResult, type CaptureOptions } from './decisions/pipeline.js';
export { evaluateCriteria, decisionBody, takeoverRequest, compare, Verdict, type Evaluation } from './decisions/evaluate.js';
export { LiveState } from './decisions/live-state.js';
export { BoundaryWindow, type WindowSample, type BoundaryPlan } from './decisions/boundary-window.js';
export { createSources, createHealthSource, thresholdMarkers, type Source, type SourceContext } from './sources/index.js';
