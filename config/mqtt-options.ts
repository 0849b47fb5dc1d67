// Turns the validated `mqtt:` config section into client options (TLS files read here, with clear
// errors). A plain object: config/ does not import mqtt; the agent's uplink and the hub's link pass it on.
import { readFileSync } from 'node:fs';
import type { MqttConfig } from './common.js';

export interface MqttClientOptions {
  protocolVersion: 4 | 5;
  clientId: string;
  username?: string;
  password?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  keepalive: number;
  connectTimeout: number;
  clean: boolean;
  reconnectPeriod: number;
  writeCache: boolean;
}

export function mqttClientOptions(config: MqttConfig, clientId: string): MqttClientOptions {
  const read = (what: string, file?: string) => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? (err as Error).message;
      throw new Error(`mqtt.${what}: cannot read ${file} (${why}): fix the path in the config (relative paths are taken from the config file's folder) or the file's permissions`);
    }
  };
  return {
    protocolVersion: config.protocol_version,
    clientId: config.client_id ?? clientId,
    username: config.username,
    password: config.password,
    ca: read('ca_file', config.ca_file),
    cert: read('cert_file', config.cert_file),
    key: read('key_file', config.key_file),
    rejectUnauthorized: config.reject_unauthorized,
    keepalive: config.keepalive_s,
    connectTimeout: config.connect_timeout_ms,
    clean: true,
    // Reconnection is ours (exponential backoff with full jitter), not mqtt.js's fixed period.
    reconnectPeriod: 0,
    // mqtt-packet's packet-id cache is 65,536 pre-built 2-byte Buffers: about 6.5 MB of heap in every
    // process, on a companion computer's budget, to save one 2-byte allocation per packet.
    writeCache: false,
  };
}
