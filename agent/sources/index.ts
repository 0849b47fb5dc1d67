// agent/sources: every input the agent reads, created from the `sources:` config block.
// Serial and the local API load lazily, so node-mavlink and serialport load only when configured.
import type { SourcesConfig } from '../../config/index.js';
import { createHealthSource } from './health/health-source.js';
import type { Source, SourceContext } from './source.js';

export type { Source, SourceContext } from './source.js';
export { createHealthSource } from './health/health-source.js';
export { thresholdMarkers } from './health/thresholds.js';

export async function createSources(config: SourcesConfig, ctx: SourceContext): Promise<Source[]> {
  const sources: Source[] = [];
  if (config.health?.enabled) sources.push(createHealthSource(config.health, ctx));
  if (config.serial.length > 0) {
    const { createSerialSource } = await import('./serial/index.js');
    for (const port of config.serial) sources.push(createSerialSource(port, ctx));
  }
  if (config.local_api?.enabled) {
    const { createLocalApiSource } = await import('./local-api/index.js');
    sources.push(createLocalApiSource(config.local_api, ctx));
  }
  return sources;
}
