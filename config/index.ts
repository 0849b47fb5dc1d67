// config/: schemas and loaders for every config file, with errors that name file, line and key.
// Example configs live beside them (agent.example.yaml, hub.example.yaml).
export { ConfigError, loadConfigFile, parseConfig } from './load.js';
export { agentConfigSchema, loadAgentConfig, parseAgentConfig, MIN_QUOTA_BYTES, type AgentConfig } from './agent-config.js';
export { mqttSchema, metricsSchema, type MqttConfig, type MetricsConfig } from './common.js';
export { canonicalJson, canonicalHash } from './canonical.js';
export { hubConfigSchema, loadHubConfig, parseHubConfig, defaultHubConfig, type HubConfig } from './hub-config.js';
export { mqttClientOptions, type MqttClientOptions } from './mqtt-options.js';
export {
  healthSourceSchema, serialSourceSchema, localApiSchema, sourcesSchema,
  type HealthSourceConfig, type SerialSourceConfig, type LocalApiConfig, type SourcesConfig,
} from './sources-config.js';
export {
  criteriaSchema, criteriaFileSchema, boundarySchema, signalOf, SIGNALS, SIGNAL_ALIASES, COMPARATORS,
  type CriteriaConfig, type BoundaryConfig, type CriterionSpec, type Comparator, type Signal,
} from './criteria-config.js';
export {
  scenarioSchema, loadScenarioFile, parseScenario, keyframeSchema, conditionsFragmentSchema, perceptionSchema, operatorSchema,
  DEFAULT_SIM_CRITERIA, configLibraryDir, type Scenario, type Keyframe, type ConditionsFragment, type PerceptionConfig, type OperatorConfig,
} from './scenario-config.js';
export { matrixSchema, loadMatrixFile, parseMatrix, LEVEL_PRESETS, type MatrixConfig, type MatrixDimension, type MatrixConstraint } from './matrix-config.js';
export { oddSchema, loadOddFile, parseOdd, defaultOddFile, UNKNOWN_LEVEL, type Taxonomy, type OddDimension, type OddLevel, type OddConstraint, type OddFeature } from './odd-config.js';
