// End to end with a real Agent: messages sent to the local API socket are committed to the outbox as
// sealed records, and evaluate runs the agent's own go/no-go criteria.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, createLogger } from '../../agent/index.js';
import { LocalApiClient } from '../../agent/local-api-client/index.js';
import { agentConfigSchema } from '../../config/index.js';
import { decodeRecord, decodeSegment, recordToJson } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { RawSocket } from './raw-socket.js';

const tempDir = useTempDirs('fp-api-e2e-');
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

async function startAgent() {
  const dir = tempDir();
  const socket = join(dir, 'agent.sock');
  const config = agentConfigSchema.parse({
    device_id: 'rover-1',
    key_file: join(dir, 'unused.key'),
    outbox: { path: join(dir, 'outbox.db') },
    uplink: { enabled: false },
    sources: { local_api: { socket } },
    criteria: { risk_level: 'low', evaluate_every_ms: 0, levels: { low: { min_lux: 100 } } },
    log: { level: 'silent' },
  });
  agent = await Agent.start(config, { key: await generateDeviceKey(), logger: createLogger('silent') });
  return { agent, socket };
}

function recordsInOutbox(a: Agent): Record<string, any>[] {
  a.outbox.sealIfDue(true);
  return a.outbox.pendingSegments(100)
    .flatMap((s) => decodeSegment(s.payload).records)
    .map((bytes) => recordToJson(decodeRecord(bytes)))
    .sort((x, y) => Number(x.seq) - Number(y.seq));
}

describe('local API with a real agent', () => {
  it('commits a JSON conditions message to the outbox', async () => {
    const { agent: a, socket } = await startAgent();
    const before = a.outbox.headSeq();
    const client = await RawSocket.connect(socket);
    client.write(`${JSON.stringify({ type: 'conditions', id: 'c', body: { source_id: 'ros:cam', lighting: { lux: 20 }, weather: { precipitation: 'RAIN' } } })}\n`);
    const [reply] = await client.lines(1);
    expect(reply).toEqual({ id: 'c', ok: true, seq: before + 1 });
    expect(a.outbox.headSeq()).toBe(before + 1);
    const record = recordsInOutbox(a).find((r) => Number(r.seq) === reply.seq)!;
    expect(record).toMatchObject({ deviceId: 'rover-1', body: 'conditions', conditions: { sourceId: 'ros:cam', lighting: { lux: 20 }, weather: { precipitation: 'RAIN' } } });
    client.close();
  });

  it('evaluates the agent\'s criteria on request and records the stack\'s own decisions and handovers', async () => {
    const { agent: a, socket } = await startAgent();
    const client = await LocalApiClient.connect(socket);
    expect(await client.ping()).toMatchObject({ device_id: 'rover-1' });
    await client.conditions({ lighting: { lux: 500 } });
    expect(await client.evaluate()).toMatchObject({ verdict: 'go', failing: [] });
    await client.conditions({ lighting: { lux: 20 } });
    const noGo = await client.evaluate();
    expect(noGo).toMatchObject({ verdict: 'no-go', failing: ['min_lux'] });
    expect(noGo.handover_seq).toBe(noGo.seq + 1);
    const decision = await client.decision({ verdict: 2, reason: 'planner: low light' });
    const handover = await client.handover({ handoverId: 'h1', phase: 1, fromMode: 'AUTO', toMode: 'MANUAL' });
    await client.close();
    const records = recordsInOutbox(a);
    expect(records.find((r) => Number(r.seq) === decision.seq)).toMatchObject({ decision: { verdict: 'NO_GO', trigger: 'EXTERNAL', reason: 'planner: low light' } });
    expect(records.find((r) => Number(r.seq) === handover.seq)).toMatchObject({ handover: { handoverId: 'h1', phase: 'REQUESTED' } });
    expect(a.sources.find((s) => s.name === 'local-api')!.counters()).toMatchObject({ messages_evaluate: 2, messages_conditions: 2, connections: 1 });
  });
});
