// Who holds authority in a flight mode, and who most likely started a change into it. Pure.
// HEARTBEAT says which mode the vehicle is in, not who asked for it, so the initiator is inferred.
import { schema, type Handover } from '../../../../proto/index.js';
import type { ArduPilotVehicle, Autopilot } from './mode-names.js';

const Authority = schema.Handover.Authority;
const Initiator = schema.Handover.Initiator;
export type Authority = NonNullable<Handover['fromAuthority']>;
export type Initiator = NonNullable<Handover['initiator']>;
type Table = 'px4' | ArduPilotVehicle;

/**
 * Modes in which the autopilot flies on its own (missions, guided/offboard setpoints, return, land,
 * hold-position-by-itself); every other known mode has a human on the sticks, assisted or not.
 */
const AUTONOMOUS: Record<Table, ReadonlySet<string>> = {
  px4: new Set(['OFFBOARD', 'POSCTL.ORBIT']), // plus every AUTO.* mode
  copter: new Set(['AUTO', 'GUIDED', 'GUIDED_NOGPS', 'RTL', 'SMART_RTL', 'AUTO_RTL', 'LAND', 'CIRCLE', 'BRAKE', 'AVOID_ADSB', 'FOLLOW', 'THROW', 'AUTOROTATE']),
  plane: new Set(['AUTO', 'RTL', 'LOITER', 'CIRCLE', 'TAKEOFF', 'GUIDED', 'AVOID_ADSB', 'QLAND', 'QRTL', 'THERMAL', 'LOITER_ALT_QLAND', 'AUTOLAND']),
  rover: new Set(['AUTO', 'RTL', 'SMART_RTL', 'GUIDED', 'FOLLOW', 'DOCK', 'CIRCLE', 'LOITER', 'HOLD']),
  sub: new Set(['AUTO', 'GUIDED', 'CIRCLE', 'SURFACE', 'MOTORDETECT']),
};

/** Modes the autopilot switches into by itself on a failsafe (link loss, low battery, geofence, ADS-B). */
const FAILSAFE_TARGETS: Record<Table, ReadonlySet<string>> = {
  px4: new Set(['AUTO.RTL', 'AUTO.LAND']),
  copter: new Set(['RTL', 'SMART_RTL', 'AUTO_RTL', 'LAND', 'AVOID_ADSB', 'AUTOROTATE']),
  plane: new Set(['RTL', 'CIRCLE', 'QLAND', 'QRTL', 'AVOID_ADSB', 'LOITER_ALT_QLAND']),
  rover: new Set(['RTL', 'SMART_RTL', 'HOLD']),
  sub: new Set(['SURFACE']),
};

/** Mode names the tables do not know come out as "PX4:4.99" or "COPTER:42". */
function isUnknown(mode: string): boolean {
  return mode.includes(':') || mode === 'INITIALIZING';
}

/**
 * AUTONOMY for autonomous modes (PX4 AUTO.*, OFFBOARD, ORBIT; ArduPilot AUTO, GUIDED, RTL, LAND, ...),
 * SAFETY_MONITOR for PX4 flight termination, HUMAN for manual and assisted modes (MANUAL, POSCTL,
 * ALTCTL, STABILIZE, ALT_HOLD, copter LOITER, POSHOLD, ACRO, ...), unspecified for unknown modes.
 */
export function modeAuthority(autopilot: Autopilot, vehicle: ArduPilotVehicle, mode: string): Authority {
  if (isUnknown(mode)) return Authority.AUTHORITY_UNSPECIFIED;
  const table = autopilot === 'px4' ? 'px4' : vehicle;
  if (autopilot === 'px4' && mode === 'TERMINATION') return Authority.SAFETY_MONITOR;
  if (autopilot === 'px4' && (mode === 'AUTO' || mode.startsWith('AUTO.'))) return Authority.AUTONOMY;
  return AUTONOMOUS[table].has(mode) ? Authority.AUTONOMY : Authority.HUMAN;
}

/**
 * SAFETY for a change into flight termination; SYSTEM for a change into a mode autopilots enter on
 * their own as a failsafe action (return-to-launch, land, ADS-B avoidance, surface, rover hold); OPERATOR
 * for every other change, since a pilot or ground station asks for those. A heuristic: an operator
 * may select RTL by hand, and this rule will still call it SYSTEM.
 */
export function modeInitiator(autopilot: Autopilot, vehicle: ArduPilotVehicle, toMode: string): Initiator {
  if (autopilot === 'px4' && toMode === 'TERMINATION') return Initiator.SAFETY;
  const table = autopilot === 'px4' ? 'px4' : vehicle;
  return FAILSAFE_TARGETS[table].has(toMode) ? Initiator.SYSTEM : Initiator.OPERATOR;
}
