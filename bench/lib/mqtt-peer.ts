// Child process for the raw MQTT baselines: `count` subscribes and reports when N messages arrived;
// `echo` answers every message with a small QoS 1 reply. Commands on stdin, answers on stdout, one a line.
import mqtt from 'mqtt';
import { createInterface } from 'node:readline';

const [mode, url, protocolText, topic, replyTopic] = process.argv.slice(2);
if (mode !== 'count' && mode !== 'echo') throw new Error(`mqtt-peer: expected mode count or echo, got "${mode}"`);
const say = (line: string) => process.stdout.write(`${line}\n`);

const client = await mqtt.connectAsync(url, {
  protocolVersion: Number(protocolText) as 4 | 5,
  clientId: `fpbench-peer-${mode}-${process.pid}`,
  clean: true,
  reconnectPeriod: 0,
});
// Nagle off, as on the agent's and the hub's sockets (see mqtt-raw.ts).
(client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
await client.subscribeAsync(topic, { qos: 1 });

let expected = Infinity;
let count = 0;
let bytes = 0;
client.on('message', (_topic, payload) => {
  if (mode === 'echo') {
    // The reply carries the request's first 8 bytes (its id), as small as a hub ack.
    client.publish(replyTopic, payload.subarray(0, 8), { qos: 1 });
    return;
  }
  count++;
  bytes += payload.length;
  if (count === expected) say(`done ${count} ${bytes}`);
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, arg] = line.trim().split(' ');
  if (command === 'expect') {
    expected = Number(arg);
    count = 0;
    bytes = 0;
    say(`expecting ${expected}`);
  } else if (command === 'quit') {
    client.end(false, {}, () => process.exit(0));
  }
});
say('ready');
