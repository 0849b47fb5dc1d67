// Schema pieces shared by the agent and hub configs: MQTT connection, metrics, logging, ids.
// Messages say what is expected; the loader adds file, line and the value found.
import { z } from 'zod';

export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  message: 'expected 1-64 characters of letters, digits, ".", "_" or "-" (no "/", "+", "#": it becomes an MQTT topic level)',
});

export const mqttUrlSchema = z.string().refine((v) => /^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/.test(v), {
  message: 'expected mqtt:// or mqtts:// URL',
});

export const mqttSchema = z.strictObject({
  url: mqttUrlSchema.default('mqtt://127.0.0.1:1883'),
  protocol_version: z.union([z.literal(4), z.literal(5)], { message: 'expected 4 (MQTT 3.1.1) or 5 (MQTT 5)' }).default(5),
  client_id: z.string().min(1).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  ca_file: z.string().optional(),
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  reject_unauthorized: z.boolean().default(true),
  keepalive_s: z.number().int().min(5, { message: 'must be at least 5' }).max(3600).default(30),
  connect_timeout_ms: z.number().int().min(100).default(10_000),
});
export type MqttConfig = z.output<typeof mqttSchema>;

export const metricsSchema = z.strictObject({
  port: z.number().int().min(0).max(65535, { message: 'expected a TCP port 0-65535 (0 disables)' }).default(0),
  host: z.string().default('127.0.0.1'),
});
export type MetricsConfig = z.output<typeof metricsSchema>;

export const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
