// Virtual sensors drive a real Agent over its real inputs: MAVLink v2 and NMEA 0183 written into socat
// pseudo-terminals its serial sources read, and conditions and evaluations sent to its local API socket.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, createLogger } from '../../agent/index.js';
import { parseSentence } from '../../agent/sources/serial/nmea/sentence.js';
import { agentConfigSchema } from '../../config/index.js';
import { parseScenario } from '../../config/scenario-config.js';
import { recordToJson } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { combineTargets, driveScenario, openLocalApiTarget, realTimePace, type SimTarget } from '../../simulator/run/index.js';
import { gga, gsa, openPtyLink, openSerialTarget, rmc } from '../../simulator/virtual-sensors/index.js';
import { heldRecords } from '../helpers/outbox.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const tempDir = useTempDirs('fp-sim-vs-');
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
});

const SCENARIO = `name: vs-fog
vehicle: uav
risk_level: medium
duration_s: 6
rate_hz: 10
decision_hz: 2
seed: 17
operator: { reaction_s: 0.4, handback_after_s: 60 }
keyframes:
  - at: 0
    weather: { kind: clear }
    vibration: { airframe: cruise }
  - at: 2
    ease: step
    weather: { kind: fog, visibility_m: 40 }
`;

describe('virtual sensors', () => {
  it('writes NMEA sentences whose checksums the agent\'s parser accepts', () => {
    const fix = { fix: 3, satellites: 12, hdop: 0.9, latitudeDeg: -33.8688, longitudeDeg: 151.2093, altitudeM: 40, speedMS: 5, courseDeg: 270 };
    for (const line of [gga(fix, Date.parse('2026-06-21T12:34:56.780Z')), gsa(fix), rmc(fix, Date.parse('2026-06-21T12:34:56Z'))]) {
      const parsed = parseSentence(line.trimEnd());
      expect(parsed.ok, line).toBe(true);
      expect(line.endsWith('\r\n')).toBe(true);
    }
    expect(gga(fix, Date.parse('2026-06-21T12:34:56.780Z'))).toMatch(/^\$GPGGA,123456\.78,3352\.12800,S,15112\.55800,E,1,12,0\.9,40\.0,M/);
  });

  it('drives a running agent through MAVLink and NMEA ptys and its local API; the records arrive', async () => {
    const dir = tempDir();
    const fcPath = join(dir, 'fc0');
    const gnssPath = join(dir, 'gnss0');
    const socket = join(dir, 'agent.sock');
    const mavlink = await openPtyLink(fcPath);
    const nmea = await openPtyLink(gnssPath);
    cleanup.push(() => mavlink.close(), () => nmea.close());
    const config = agentConfigSchema.parse({
      device_id: 'vs-1',
      key_file: join(dir, 'unused.key'),
      provenance: { source: 'simulation' },
      outbox: { path: join(dir, 'outbox.db') },
      uplink: { enabled: false },
      sources: {
        serial: [
          { name: 'fc0', path: fcPath, protocol: 'mavlink', autopilot: 'px4', record_interval_ms: 0, reconnect_ms: 100 },
          { name: 'gnss0', path: gnssPath, protocol: 'nmea', record_interval_ms: 0, reconnect_ms: 100 },
        ],
        local_api: { socket },
      },
      criteria: { risk_level: 'medium', evaluate_every_ms: 0, levels: { medium: { min_confidence: 0.7 } } },
      log: { level: 'silent' },
    });
    const agent = await Agent.start(config, { key: await generateDeviceKey(), logger: createLogger('silent') });
    cleanup.unshift(() => agent.stop());
    await waitFor('both serial ports open', () => agent.sources.filter((s) => s.name.startsWith('serial:')).every((s) => (s.counters().opens ?? 0) >= 1));

    const scenario = parseScenario('vs-fog.yaml', SCENARIO);
    const serial = await openSerialTarget({ vehicle: 'uav', startUnixMs: Date.parse(scenario.start), mavlink, nmea });
    const api = await openLocalApiTarget({ socket, omit: ['vibration', 'gnss'] });
    const target: SimTarget = combineTargets([serial, api]);
    cleanup.push(() => api.close());
    const stats = await driveScenario(scenario, target, { pace: realTimePace(4) });
    expect(stats.samples).toBe(60);
    expect(stats.takeovers).toBeGreaterThan(0);
    expect(stats.accepted).toBeGreaterThan(0);

    const records = () => heldRecords(agent.outbox.database).map((r) => recordToJson(r.record) as Record<string, any>);
    const modeChange = (rs: Record<string, any>[]) => rs.find((r) => r.handover?.fromMode === 'AUTO.MISSION' && r.handover?.toMode === 'POSCTL');
    const all = await waitFor('the serial records and the operator\'s mode change', () => {
      const rs = records();
      const vibration = rs.some((r) => r.conditions?.sourceId === 'serial:fc0' && r.conditions.vibration);
      const gnss = rs.some((r) => r.conditions?.sourceId === 'serial:gnss0' && r.conditions.gnss);
      return vibration && gnss && modeChange(rs) ? rs : undefined;
    }, { timeoutMs: 15_000 });

    const conditions = all.filter((r) => r.conditions).map((r) => r.conditions);
    const fromFc = conditions.filter((c) => c.sourceId === 'serial:fc0');
    expect(fromFc.some((c) => c.vibration?.rmsZ > 0)).toBe(true);
    expect(fromFc.some((c) => c.gnss?.fix === 'FIX_3D')).toBe(true); // GPS_RAW_INT
    const fromGnss = conditions.filter((c) => c.sourceId === 'serial:gnss0');
    expect(fromGnss[0].gnss).toMatchObject({ fix: 'FIX_3D' });
    expect(fromGnss[0].gnss.latitudeDeg).toBeCloseTo(52, 1);
    expect(fromGnss[0].gnss.longitudeDeg).toBeCloseTo(4.4, 1);
    const fromApi = conditions.filter((c) => c.sourceId === 'sim');
    expect(fromApi).toHaveLength(60);
    expect(fromApi.every((c) => typeof c.perceptionConfidence === 'number' && c.weather && c.lighting && !c.vibration && !c.gnss)).toBe(true);
    expect(all.some((r) => r.health?.sensors?.length)).toBe(true); // SYS_STATUS

    const decisions = all.filter((r) => r.decision).map((r) => r.decision);
    expect(decisions).toHaveLength(stats.decisions);
    expect(decisions.some((d) => d.verdict === 'GO')).toBe(true);
    expect(decisions.some((d) => d.verdict === 'NO_GO' && d.reason.includes('min_confidence'))).toBe(true);
    const request = all.find((r) => r.handover?.phase === 'REQUESTED' && r.handover.fromAuthority === 'AUTONOMY');
    expect(request).toBeDefined();
    expect(modeChange(all)!.handover).toMatchObject({ phase: 'ACCEPTED', initiator: 'OPERATOR', fromAuthority: 'AUTONOMY', toAuthority: 'HUMAN' });
    expect(all.some((r) => r.marker?.kind === 'sim.start')).toBe(true);
  });
});
