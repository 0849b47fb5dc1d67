// The agent's config file: schema, defaults and path resolution.
// Validated once here; everything inside the agent trusts the resulting type.
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { idSchema, logSchema, metricsSchema, mqttSchema } from './common.js';
import { boundarySchema, criteriaSchema } from './criteria-config.js';
import { sourcesSchema } from './sources-config.js';
import { loadConfigFile, parseConfig } from './load.js';

export const MIN_QUOTA_BYTES = 1_048_576;
/** 4 MiB: sized in the README (Full disk) from measured record and commit sizes. */
export const DEFAULT_RESERVE_BYTES = 4 * 1_048_576;

export const agentConfigSchema = z.strictObject({
  device_id: idSchema,
  key_file: z.string().min(1, { message: 'expected the path of the device key (see `fieldproof keygen`)' }),
  provenance: z.strictObject({
    source: z.enum(['field', 'simulation', 'replay']).default('field'),
    mission_id: z.string().default(''),
    vehicle_type: z.string().default(''),
  }).prefault({}),
  outbox: z.strictObject({
    path: z.string().min(1),
    quota_bytes: z.number().int().min(MIN_QUOTA_BYTES, { message: `must be at least ${MIN_QUOTA_BYTES}` }).default(1024 * MIN_QUOTA_BYTES),
    sync: z.enum(['normal', 'full']).default('normal'),
    /** Disk space held beside the outbox for all but bulk records once the disk is full (README, Full disk). 0: none. */
    reserve_bytes: z.number().int().min(0).default(DEFAULT_RESERVE_BYTES),
  }),
  seal: z.strictObject({
    max_records: z.number().int().min(1).max(100_000, { message: 'must be at most 100000' }).default(1000),
    max_age_ms: z.number().int().min(1).max(3_600_000).default(1000),
  }).prefault({}),
  mqtt: mqttSchema.prefault({}),
  uplink: z.strictObject({
    enabled: z.boolean().default(true),
    max_in_flight: z.number().int().min(1).max(1000).default(16),
    resend_after_ms: z.number().int().min(100).default(10_000),
    rate_limit_bytes_s: z.number().int().min(0).default(0),
    backoff_initial_ms: z.number().int().min(10).default(500),
    backoff_max_ms: z.number().int().min(100).default(30_000),
    /**
     * fsync the outbox before a segment is published, so a power cut never rolls back a record the hub
     * already holds (which would fork the chain). Off only to measure its cost.
     */
    durable_before_send: z.boolean().default(true),
    /** The hub's public key(s) (PEM): only acks they sign free outbox space. Several while a hub key rotates. */
    hub_pubkey_file: z.union([z.string().min(1), z.array(z.string().min(1))], { message: 'expected a file path or a list of them' })
      .default([]).transform((v) => (typeof v === 'string' ? [v] : v)),
  }).prefault({}),
  sources: sourcesSchema.prefault({}),
  criteria: criteriaSchema.optional(),
  boundary: boundarySchema.prefault({}),
  metrics: metricsSchema.prefault({}),
  log: logSchema.prefault({}),
});

export type AgentConfig = z.output<typeof agentConfigSchema>;

/** Loads and validates an agent config; relative paths are taken from the config file's folder. */
export function loadAgentConfig(file: string): AgentConfig {
  return resolveAgentPaths(loadConfigFile(file, agentConfigSchema), dirname(resolve(file)));
}

export function parseAgentConfig(file: string, text: string, baseDir = dirname(resolve(file))): AgentConfig {
  return resolveAgentPaths(parseConfig(file, text, agentConfigSchema), baseDir);
}

function resolveAgentPaths(config: AgentConfig, baseDir: string): AgentConfig {
  const at = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...config,
    key_file: at(config.key_file)!,
    outbox: { ...config.outbox, path: at(config.outbox.path)! },
    uplink: { ...config.uplink, hub_pubkey_file: config.uplink.hub_pubkey_file.map((f) => at(f)!) },
    sources: {
      ...config.sources,
      local_api: config.sources.local_api && { ...config.sources.local_api, socket: at(config.sources.local_api.socket)! },
    },
    mqtt: { ...config.mqtt, ca_file: at(config.mqtt.ca_file), cert_file: at(config.mqtt.cert_file), key_file: at(config.mqtt.key_file) },
  };
}
