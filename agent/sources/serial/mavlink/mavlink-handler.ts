// The MAVLink protocol of a serial port: one switch routes each message kind to its mapping
// (HEARTBEAT -> Handover, VIBRATION and GPS_RAW_INT -> Conditions, SYS_STATUS -> Health).
import type { ProtocolContext, ProtocolHandler } from '../protocol.js';
import { Throttle } from '../throttle.js';
import { gpsRawBody } from './gps-raw.js';
import { createMavlinkReader, sensorName } from './mavlink-reader.js';
import { MAV_AUTOPILOT_ARDUPILOTMEGA, MAV_AUTOPILOT_PX4, type Heartbeat, type MavlinkMessage } from './messages.js';
import { ModeTracker } from './mode-tracker.js';
import { SensorHealthTracker } from './sys-status.js';
import { VibrationTracker } from './vibration.js';

export function createMavlinkHandler({ config, ctx, queue, sourceId }: ProtocolContext): ProtocolHandler {
  const label = `sources.serial "${config.name}"`;
  const modes = new ModeTracker(config.autopilot, config.vehicle, sourceId);
  const vibration = new VibrationTracker();
  const sensors = new SensorHealthTracker(sensorName, sourceId);
  const gnssThrottle = new Throttle(config.record_interval_ms);
  const vibrationThrottle = new Throttle(config.record_interval_ms);
  const counts = { handovers: 0, heartbeats_ignored: 0, throttled: 0, handler_errors: 0 };
  let autopilotChecked = false;

  const checkAutopilot = (hb: Heartbeat) => {
    if (autopilotChecked) return;
    autopilotChecked = true;
    const reported = hb.autopilot === MAV_AUTOPILOT_PX4 ? 'px4' : hb.autopilot === MAV_AUTOPILOT_ARDUPILOTMEGA ? 'ardupilot' : undefined;
    if (reported && reported !== config.autopilot) {
      ctx.log.warn(
        { reported, configured: config.autopilot },
        `${label}: the vehicle reports a ${reported} autopilot but autopilot is "${config.autopilot}", so flight-mode names will be wrong: set sources.serial[].autopilot to "${reported}"`,
      );
    }
  };

  const route = (m: MavlinkMessage) => {
    const nowMs = ctx.clock.nowMs();
    switch (m.kind) {
      case 'heartbeat': {
        const update = modes.update(m, ctx.clock.wallNs());
        if (update.kind === 'ignored') {
          counts.heartbeats_ignored++;
          return;
        }
        checkAutopilot(m);
        if (update.kind === 'change') {
          counts.handovers++;
          ctx.log.info({ from: update.from, to: update.to, sysid: m.sysid }, `${label}: flight mode ${update.from} -> ${update.to}`);
          queue.record(update.body);
        }
        return;
      }
      case 'vibration':
        if (vibrationThrottle.take(nowMs)) queue.record(vibration.body(m, sourceId));
        else counts.throttled++;
        return;
      case 'sys_status': {
        const body = sensors.update(m, nowMs);
        if (body) queue.record(body);
        return;
      }
      case 'gps_raw_int':
        if (gnssThrottle.take(nowMs)) queue.record(gpsRawBody(m, sourceId));
        else counts.throttled++;
        return;
    }
  };

  const reader = createMavlinkReader((m) => {
    try {
      route(m);
    } catch (err) {
      counts.handler_errors++;
      ctx.log.error({ err: (err as Error).message, kind: m.kind }, `${label}: a ${m.kind} message could not be mapped (a bug: please report it)`);
    }
  });

  return {
    push: (chunk) => reader.push(chunk),
    reset: () => reader.reset(),
    close: () => reader.close(),
    counters: () => ({ ...reader.counters(), ...counts }),
  };
}
