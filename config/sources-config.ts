// Schemas for the agent's inputs: system health, serial ports (NMEA 0183 GNSS, MAVLink v2) and the
// local API for the autonomy stack (Unix socket, optional loopback UDP). One block per source kind.
import { z } from 'zod';
import { idSchema } from './common.js';

export const healthSourceSchema = z.strictObject({
  enabled: z.boolean().default(true),
  period_ms: z.number().int().min(100, { message: 'must be at least 100' }).default(5000),
  /** A Marker (WARNING) is recorded when a reading crosses one of these; again when it recovers. */
  thresholds: z.strictObject({
    cpu_load_pct: z.number().min(0).max(100).optional(),
    cpu_temp_c: z.number().optional(),
    mem_used_pct: z.number().min(0).max(100).optional(),
    disk_used_pct: z.number().min(0).max(100).optional(),
    process_rss_mb: z.number().min(0).optional(),
  }).prefault({}),
  /** Filesystem whose usage is reported (the outbox's, typically). */
  disk_path: z.string().default('/'),
});
export type HealthSourceConfig = z.output<typeof healthSourceSchema>;

export const serialSourceSchema = z.strictObject({
  name: idSchema,
  path: z.string().min(1, { message: 'expected a serial device path, e.g. /dev/ttyUSB0' }),
  baud: z.number().int().refine((b) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600].includes(b), {
    message: 'expected a standard baud rate (4800, 9600, 38400, 57600, 115200, 230400, 460800 or 921600)',
  }).default(9600),
  protocol: z.enum(['nmea', 'mavlink'], { message: 'expected "nmea" or "mavlink"' }),
  /** MAVLink only: whose flight-mode names HEARTBEAT custom modes map to. */
  autopilot: z.enum(['px4', 'ardupilot']).default('px4'),
  /** MAVLink only: ArduPilot vehicle type for its mode names. */
  vehicle: z.enum(['copter', 'plane', 'rover', 'sub']).default('copter'),
  /** How often to try again when the port is missing (USB unplugged). */
  reconnect_ms: z.number().int().min(50).default(1000),
  /** At most one Conditions record per this interval per port and message kind (NMEA fixes, MAVLink GPS_RAW_INT, VIBRATION). */
  record_interval_ms: z.number().int().min(0).default(1000),
});
export type SerialSourceConfig = z.output<typeof serialSourceSchema>;

export const localApiSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Unix socket path; newline-delimited JSON or length-prefixed protobuf (see docs/local-api.md). */
  socket: z.string().min(1).default('/tmp/fieldproof-agent.sock'),
  /** Optional loopback UDP port for fire-and-forget JSON datagrams; 0 disables. */
  udp_port: z.number().int().min(0).max(65535).default(0),
  udp_host: z.string().refine((h) => h === '127.0.0.1' || h === '::1' || h === 'localhost', {
    message: 'the UDP listener binds to loopback only: expected 127.0.0.1, ::1 or localhost',
  }).default('127.0.0.1'),
  max_message_bytes: z.number().int().min(256)
    .max(16_777_215, { message: 'must be below 16 MiB (a protobuf connection is recognised by its first byte being 0x00)' })
    .default(1_048_576),
});
export type LocalApiConfig = z.output<typeof localApiSchema>;

export const sourcesSchema = z.strictObject({
  health: healthSourceSchema.optional(),
  serial: z.array(serialSourceSchema).default([]).superRefine((ports, ctx) => {
    const seen = new Set<string>();
    ports.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate serial source name "${p.name}"` });
      seen.add(p.name);
    });
  }),
  local_api: localApiSchema.optional(),
});
export type SourcesConfig = z.output<typeof sourcesSchema>;
