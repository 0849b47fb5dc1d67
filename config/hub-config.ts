// The hub's config file: schema, defaults and path resolution.
// Validated once here; everything inside the hub trusts the resulting type.
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { idSchema, logSchema, metricsSchema, mqttSchema } from './common.js';
import { loadConfigFile, parseConfig } from './load.js';

export const hubConfigSchema = z.strictObject({
  hub_id: idSchema.default('hub-1'),
  /** The hub's Ed25519 private key (PEM, mode 0600): it signs every ack; agents pin its public key. */
  key_file: z.string().min(1).optional(),
  store: z.strictObject({
    driver: z.enum(['sqlite', 'postgres'], { message: 'expected "sqlite" or "postgres"' }).default('sqlite'),
    path: z.string().min(1).default('data/hub.db'),
    url: z.string().optional(),
  }).prefault({}),
  mqtt: mqttSchema.extend({
    /** Shared-subscription group ($share/<group>/...) so several hubs split a fleet; empty = plain subscription. */
    shared_group: z.string().regex(/^[A-Za-z0-9_-]*$/, { message: 'expected letters, digits, "_" or "-"' }).default(''),
  }).prefault({}),
  embedded_broker: z.strictObject({
    enabled: z.boolean().default(false),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(1883),
  }).prefault({}),
  ingest: z.strictObject({
    max_payload_bytes: z.number().int().min(1024).default(16 * 1024 * 1024),
    max_records_per_segment: z.number().int().min(1).default(100_000),
  }).prefault({}),
  metrics: metricsSchema.prefault({}),
  /** The read-only JSON API and reviewer page (`hub --http HOST:PORT`); on 127.0.0.1 unless told otherwise. */
  http: z.strictObject({
    enabled: z.boolean().default(false),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535, { message: 'expected a TCP port 0-65535 (0: any free port)' }).default(8080),
  }).prefault({}),
  log: logSchema.prefault({}),
}).superRefine((config, ctx) => {
  if (config.store.driver === 'postgres' && !config.store.url) {
    ctx.addIssue({ code: 'custom', path: ['store', 'url'], message: 'expected a postgres:// URL when store.driver is "postgres"' });
  }
});

export type HubConfig = z.output<typeof hubConfigSchema>;

export function loadHubConfig(file: string): HubConfig {
  return resolveHubPaths(loadConfigFile(file, hubConfigSchema), dirname(resolve(file)));
}

export function parseHubConfig(file: string, text: string, baseDir = dirname(resolve(file))): HubConfig {
  return resolveHubPaths(parseConfig(file, text, hubConfigSchema), baseDir);
}

/** The defaults, for running a hub without a config file (paths relative to `baseDir`). */
export function defaultHubConfig(baseDir = process.cwd()): HubConfig {
  return resolveHubPaths(hubConfigSchema.parse({}), baseDir);
}

function resolveHubPaths(config: HubConfig, baseDir: string): HubConfig {
  const at = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...config,
    key_file: at(config.key_file),
    store: { ...config.store, path: at(config.store.path)! },
    mqtt: { ...config.mqtt, ca_file: at(config.mqtt.ca_file), cert_file: at(config.mqtt.cert_file), key_file: at(config.mqtt.key_file) },
  };
}
