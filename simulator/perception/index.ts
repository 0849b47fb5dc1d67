// simulator/perception: the stand-in detector whose confidence degrades with the conditions.
// Go/no-go is left to the agent's criteria; this only says how sure the detector would be.
export { expectedConfidence, perceptionFactors, sampleConfidence, type PerceptionFactors, type PerceptionInputs } from './perception.js';
