// simulator/run: the simulation loop and where it drives: an in-process agent on simulated time, a
// running agent's local API, or (with virtual-sensors/) its serial ports.
export { driveScenario, realTimePace, type DriveStats, type DriveOptions } from './drive.js';
export { startDirectRun, simAgentConfig, type DirectRun, type DirectRunOptions, type HubLink } from './direct-target.js';
export { openLocalApiTarget, type LocalApiTargetOptions } from './local-api-target.js';
export { combineTargets, takeoverId, type SimTarget, type EvaluateOutcome } from './target.js';
export { operatorBodies, MODES, OPERATOR_ID } from './handover-bodies.js';
