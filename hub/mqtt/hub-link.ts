// The hub's MQTT connection: subscribes to segments (optionally as a shared subscription) and agent
// state, hands each message to the ingest (which may hold it back: backpressure), publishes acks. The hub's only touch of mqtt.
import mqtt, { type MqttClient } from 'mqtt';
import type { MqttClientOptions } from '../../config/index.js';
import { explainConnectError, isRetryableConnectError } from '../../config/mqtt-connect-errors.js';
import { subscription } from '../ingest/topics.js';

export interface HubLink {
  publish(topic: string, payload: Uint8Array): Promise<void>;
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface HubLinkOptions {
  url: string;
  client: MqttClientOptions;
  sharedGroup: string;
  /** Called for each message; the next message is read only after `done` is called (backpressure). */
  onMessage(topic: string, payload: Uint8Array, done: () => void): void;
  onEvent(event: 'connect' | 'offline' | 'error', detail?: string): void;
  /** How long start waits for the broker, retrying each second (default client.connectTimeout); reconnects after start never give up. */
  startTimeoutMs?: number;
}

export async function connectHubLink(o: HubLinkOptions): Promise<HubLink> {
  const group = o.sharedGroup;
  const client: MqttClient = mqtt.connect(o.url, { ...o.client, reconnectPeriod: 1000, resubscribe: true, manualConnect: true });
  client.handleMessage = (packet, done) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    o.onMessage(packet.topic, payload, () => done());
  };
  client.on('connect', () => {
    // Acks are small and latency is what an agent waits on: no Nagle delay on the hub's socket.
    (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
    client.subscribe([subscription('seg', group), subscription('state', group)], { qos: 1 }, (err) => {
      if (err) o.onEvent('error', `subscribe failed: ${err.message}`);
    });
    o.onEvent('connect');
  });
  client.on('offline', () => o.onEvent('offline'));
  client.on('error', (err) => o.onEvent('error', err.message));
  await firstConnect(client, o);
  return {
    get connected() {
      return client.connected;
    },
    publish: (topic, payload) => new Promise<void>((resolve, reject) => {
      client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos: 1 }, (err) => (err ? reject(err) : resolve()));
    }),
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}

/**
 * Resolves on the first CONNACK. Until then a socket error is retried (the broker may be starting too) for
 * `startTimeoutMs`; a refusal or a TLS problem fails at once. Fails with one line naming the URL and the cause.
 */
function firstConnect(client: MqttClient, o: HubLinkOptions): Promise<void> {
  const waitMs = o.startTimeoutMs ?? o.client.connectTimeout;
  return new Promise<void>((resolve, reject) => {
    let last: Error | undefined;
    const fail = (err: Error, gaveUp: boolean) => {
      cleanup();
      // An end() called from inside mqtt.js's own 'error' emit is followed by its reconnect timer: switch that off first.
      client.options.reconnectPeriod = 0;
      client.end(true);
      const waited = gaveUp ? ` (gave up after ${waitMs} ms of retrying: mqtt.connect_timeout_ms)` : '';
      reject(new Error(`${explainConnectError(err, o.url, o.client.protocolVersion)}${waited}`));
    };
    const onError = (err: Error) => {
      last = err;
      if (!isRetryableConnectError(err)) fail(err, false);
    };
    const onConnect = () => { cleanup(); resolve(); };
    const timer = setTimeout(() => fail(last ?? new Error('connack timeout'), true), waitMs);
    const cleanup = () => { clearTimeout(timer); client.off('error', onError); client.off('connect', onConnect); };
    client.on('error', onError);
    client.once('connect', onConnect);
    client.connect();
  });
}
