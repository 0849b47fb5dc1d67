// simulator/scenario: keyframed timelines, the sampler that turns a scenario into conditions, the
// simulated clock given to the agent, and the operator model that answers takeover requests.
export { Timeline } from './timeline.js';
export { keyframeValues, nextVibration, defaultDrivers, defaultVibration, type Vehicle, type VibrationSpec } from './keyframe-drivers.js';
export { ScenarioSampler, perceptionInputs, type Sample } from './sampler.js';
export { SimClock } from './sim-clock.js';
export { OperatorModel, type OperatorAction } from './operator.js';
