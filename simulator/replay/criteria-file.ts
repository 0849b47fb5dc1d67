// Loads the go/no-go criteria for a what-if: any YAML file with a `criteria:` block as in the agent
// config (an agent.yaml itself will do), validated with the agent's own schema and exact errors.
import { criteriaFileSchema, loadConfigFile, type CriteriaConfig } from '../../config/index.js';

export function loadCriteriaFile(file: string): CriteriaConfig {
  return loadConfigFile(file, criteriaFileSchema).criteria;
}
