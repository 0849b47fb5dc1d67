// Child process of the evidence benchmark: exports a packet from a store, verifies one, or (the baseline) reads a
// packet's bytes and SHA-256s them, timing only that work; prints its time and peak RSS as one JSON line.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { loadOddFile } from '../../config/odd-config.js';
import { exportPacket } from '../../hub/export/index.js';
import { openStore } from '../../hub/index.js';
import { fromHex, keyIdOf, publicKeyOf } from '../../proto/index.js';
import { openPacketFile } from '../../proto/node.js';
import { verifyPacket } from '../../proto/packet/index.js';

interface Args { mode: 'export' | 'verify' | 'raw'; store: string; packet: string; hubSecret: string }
const args = JSON.parse(process.argv[2] ?? '{}') as Args;

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage.rss());
};
const sampler = setInterval(sample, 10);
const readyRss = process.memoryUsage.rss();

const t0 = performance.now();
const cpu0 = process.cpuUsage();
let detail: unknown;
if (args.mode === 'export') {
  const secretKey = fromHex(args.hubSecret);
  const publicKey = await publicKeyOf(secretKey);
  const store = await openStore({ driver: 'sqlite', path: args.store });
  try {
    const s = await exportPacket({ store, out: args.packet, hubKey: { keyId: keyIdOf(publicKey), secretKey, publicKey }, taxonomy: loadOddFile() });
    detail = { records: s.records, bytes: s.bytes, files: s.files };
  } finally {
    await store.close();
  }
} else if (args.mode === 'verify') {
  const packet = await openPacketFile(args.packet);
  try {
    const v = await verifyPacket(packet);
    if (!v.ok) throw new Error(`the benchmark packet does not verify: ${v.problems[0]?.message}`);
    detail = { records: v.devices.reduce((n, d) => n + d.records, 0), decisions: v.reports.decisions };
  } finally {
    await packet.close();
  }
} else {
  // the same bytes read in 4 MiB blocks and hashed: what any verifier pays before it checks anything
  const handle = await open(args.packet, 'r');
  const block = Buffer.allocUnsafe(4 * 1024 * 1024);
  const hash = createHash('sha256');
  let bytes = 0;
  for (;;) {
    const { bytesRead } = await handle.read(block, 0, block.length, bytes);
    if (bytesRead === 0) break;
    hash.update(block.subarray(0, bytesRead));
    bytes += bytesRead;
  }
  await handle.close();
  detail = { bytes, sha256: hash.digest('hex').slice(0, 12) };
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
sample();
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, peakRss: peak, readyRss, detail })}\n`);
