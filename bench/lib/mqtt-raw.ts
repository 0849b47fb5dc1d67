// Raw mqtt.js baselines on a given broker, no fieldproof code: the QoS 1 publish rate of given payloads
// with a bounded window in flight to a subscriber in another process, and the QoS 1 round trip through an echo.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { nodeArgs, ROOT, startHelper, type Helper } from './children.js';

export interface RawBroker {
  url: string;
  protocol: 4 | 5;
  /** Subscribe as `$share/<group>/...` (as the hub does on Mosquitto); empty for a plain subscription. */
  sharedGroup: string;
}

/** Topics outside fp/v1/, so no hub on the same broker ever sees baseline traffic. */
function topics(): { seg: string; reply: string } {
  const id = randomBytes(4).toString('hex');
  return { seg: `fpbench/${id}/seg`, reply: `fpbench/${id}/reply` };
}

const filter = (b: RawBroker, topic: string) => (b.sharedGroup ? `$share/${b.sharedGroup}/${topic}` : topic);

async function startPeer(b: RawBroker, mode: 'count' | 'echo', subscribe: string, reply = ''): Promise<Helper> {
  const peer = startHelper(`mqtt-peer ${mode}`, process.execPath, nodeArgs(join(ROOT, 'bench', 'lib', 'mqtt-peer.ts'), [mode, b.url, String(b.protocol), subscribe, reply]));
  await peer.line((l) => (l === 'ready' ? true : undefined), 30_000);
  return peer;
}

/** A raw client with Nagle off, like the agent's and the hub's sockets, so the baselines compare like with like. */
async function connect(b: RawBroker, label: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(b.url, { protocolVersion: b.protocol, clientId: `fpbench-${label}-${process.pid}-${randomBytes(3).toString('hex')}`, clean: true, reconnectPeriod: 0 });
  noDelay(client);
  return client;
}

function noDelay(client: MqttClient): void {
  (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
}

export interface PublishRate {
  messages: number;
  bytes: number;
  ms: number;
}

/**
 * Publishes every payload (in order) at QoS 1 with at most `window` unacknowledged, from this process
 * to a subscriber in a child process; timed from the first publish until the subscriber has counted
 * every message.
 */
export async function rawPublishRate(b: RawBroker, payloads: Uint8Array[], window: number): Promise<PublishRate> {
  const t = topics();
  const peer = await startPeer(b, 'count', filter(b, t.seg));
  const client = await connect(b, 'pub');
  try {
    const expecting = peer.line((l) => (l.startsWith('expecting') ? true : undefined));
    peer.proc.stdin!.write(`expect ${payloads.length}\n`);
    await expecting;
    const done = peer.line((l) => (l.startsWith('done ') ? l.split(' ').map(Number) : undefined), 120_000);
    const t0 = performance.now();
    await publishWindowed(client, t.seg, payloads, window);
    const [, messages, bytes] = await done;
    return { messages, bytes, ms: performance.now() - t0 };
  } finally {
    await client.endAsync();
    peer.proc.stdin!.write('quit\n');
    await peer.stop('SIGTERM', 5000);
  }
}

function publishWindowed(client: MqttClient, topic: string, payloads: Uint8Array[], window: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let inFlight = 0;
    const pump = () => {
      while (inFlight < window && next < payloads.length) {
        const p = payloads[next++];
        inFlight++;
        client.publish(topic, Buffer.from(p.buffer, p.byteOffset, p.byteLength), { qos: 1 }, (err) => {
          inFlight--;
          if (err) reject(err);
          else if (next === payloads.length && inFlight === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
}

/**
 * Milliseconds of `samples` QoS 1 round trips, `spacingMs` apart: publish `payloadBytes` bytes, an echo
 * client in another process publishes an 8-byte reply at QoS 1, and the reply arrives here.
 */
export async function rawRoundTrips(b: RawBroker, payloadBytes: number, samples: number, spacingMs: number): Promise<number[]> {
  const t = topics();
  const peer = await startPeer(b, 'echo', filter(b, t.seg), t.reply);
  const client = await connect(b, 'rtt');
  try {
    await client.subscribeAsync(t.reply, { qos: 1 });
    const payload = randomBytes(Math.max(8, payloadBytes));
    const started = new Map<number, number>();
    const out: number[] = [];
    let arrived: (() => void) | undefined;
    client.on('message', (_topic, reply) => {
      const id = reply.readUInt32BE(0);
      const t0 = started.get(id);
      if (t0 === undefined) return;
      out.push(performance.now() - t0);
      started.delete(id);
      arrived?.();
    });
    for (let i = 0; i < samples; i++) {
      const message = Buffer.from(payload);
      message.writeUInt32BE(i, 0);
      const back = new Promise<void>((resolve) => { arrived = resolve; });
      started.set(i, performance.now());
      client.publish(t.seg, message, { qos: 1 });
      await Promise.race([back, sleep(5000)]);
      if (spacingMs) await sleep(spacingMs);
    }
    return out;
  } finally {
    await client.endAsync();
    peer.proc.stdin!.write('quit\n');
    await peer.stop('SIGTERM', 5000);
  }
}
