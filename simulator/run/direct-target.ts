// A run against an in-process Agent on simulated time: its own outbox and key, the scenario's criteria,
// a SimClock for every timestamp, and (when given a hub) the real MQTT uplink. Provenance: SIMULATION.
import { Agent, createLogger, type Logger } from '../../agent/index.js';
import { agentConfigSchema, type AgentConfig } from '../../config/index.js';
import type { Scenario } from '../../config/scenario-config.js';
import type { Body, DeviceKey } from '../../proto/index.js';
import { WORLD_MODEL } from '../models/world.js';
import { SimClock } from '../scenario/sim-clock.js';
import { operatorBodies } from './handover-bodies.js';
import { takeoverId, type SimTarget } from './target.js';

export interface HubLink {
  mqttUrl: string;
  /** 4 for the embedded broker (MQTT 3.1.1), 5 otherwise. */
  protocolVersion: 4 | 5;
  /** The hub's public key(s): the agent frees outbox space only on acks they sign. */
  hubPublicKeys: Uint8Array[];
}

export interface DirectRunOptions {
  scenario: Scenario;
  deviceId: string;
  outboxPath: string;
  key: DeviceKey;
  /** Absent: the uplink is off and everything stays in the outbox. */
  hub?: HubLink;
  matrixId?: string;
  rowId?: string;
  /** The matrix row's planned level per dimension, for the Boot's provenance. */
  plannedLevels?: Record<string, string>;
  logger?: Logger;
}

export interface DirectRun {
  readonly agent: Agent;
  readonly clock: SimClock;
  readonly target: SimTarget;
  /** Stops the agent after waiting up to drainMs for the hub's acks; returns the last seq recorded. */
  finish(drainMs: number): Promise<{ headSeq: number; drained: boolean }>;
}

/** The agent configuration of a simulated vehicle; its hash goes into the Boot record. */
export function simAgentConfig(o: DirectRunOptions): AgentConfig {
  const config = agentConfigSchema.parse({
    device_id: o.deviceId,
    key_file: '(in memory: fieldproof simulator)',
    provenance: { source: 'simulation', mission_id: o.matrixId ?? o.scenario.name, vehicle_type: o.scenario.vehicle },
    outbox: { path: o.outboxPath },
    seal: { max_records: 1000, max_age_ms: 10_000 },
    mqtt: o.hub ? { url: o.hub.mqttUrl, protocol_version: o.hub.protocolVersion } : {},
    // Resends go by simulated time, which runs far faster than real time: only after two simulated minutes.
    uplink: o.hub ? { max_in_flight: 64, resend_after_ms: 120_000, backoff_initial_ms: 100, backoff_max_ms: 2000 } : { enabled: false },
    boundary: { window_s: 10, record_interval_ms: 0 },
    log: { level: 'silent' },
  });
  return { ...config, criteria: o.scenario.criteria };
}

export async function startDirectRun(o: DirectRunOptions): Promise<DirectRun> {
  const clock = new SimClock(Date.parse(o.scenario.start));
  const agent = await Agent.start(simAgentConfig(o), {
    key: o.key,
    hubPublicKeys: o.hub?.hubPublicKeys,
    clock,
    logger: o.logger ?? createLogger('silent'),
    boot: {
      scenario: o.scenario.name,
      matrixId: o.matrixId,
      rowId: o.rowId,
      plannedLevels: o.plannedLevels,
      seed: o.scenario.seed,
      // the perception model first: the hub attributes a device's samples and decisions to its first model
      models: [{ id: o.scenario.perception.model_id, version: o.scenario.perception.version }, WORLD_MODEL],
    },
  });
  let takeovers = 0;
  // The times are read here, synchronously: captures sent without waiting keep their own.
  const capture = (body: Body) => agent.capture(body, { timeUnixNs: clock.wallNs(), monoNs: clock.monoNs() });
  const target: SimTarget = {
    label: `agent ${o.deviceId} (in process)`,
    async conditions(sample) {
      clock.set(sample.tS);
      await capture(sample.body);
    },
    async evaluate(tS) {
      clock.set(tS);
      const r = await agent.evaluate();
      if (!r) return undefined;
      const takeover = r.handoverSeq !== undefined ? { id: takeoverId(r.seq, ++takeovers), decisionSeq: r.seq, seq: r.handoverSeq } : undefined;
      return { seq: r.seq, verdict: r.verdict, failing: r.failing, takeover };
    },
    async operator(action, tS) {
      clock.set(tS);
      const requested = action.kind === 'accept' ? BigInt(Date.parse(o.scenario.start)) * 1_000_000n + BigInt(Math.round(action.requestedAtS * 1e9)) : clock.wallNs();
      await Promise.all(operatorBodies(action, requested, clock.wallNs()).map(capture));
    },
    async marker(kind, text, tags) {
      await capture({ marker: { kind, text, severity: 1, tags } });
    },
    async close() {},
  };
  return {
    agent,
    clock,
    target,
    async finish(drainMs) {
      const headSeq = agent.outbox.headSeq();
      clock.release();
      agent.outbox.sealIfDue(true);
      const drained = agent.uplink ? await agent.uplink.drain(drainMs) : true;
      await agent.stop();
      return { headSeq, drained };
    },
  };
}
