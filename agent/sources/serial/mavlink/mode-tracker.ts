// Follows each autopilot's flight mode from its HEARTBEATs and turns a change of mode into an
// accepted Handover. The first heartbeat only sets the baseline. Pure; time is passed in.
import { fromBigInt, schema, type Body } from '../../../../proto/index.js';
import { isAutopilotHeartbeat, type Heartbeat } from './messages.js';
import { modeAuthority, modeInitiator } from './mode-authority.js';
import { modeName, type ArduPilotVehicle, type Autopilot } from './mode-names.js';

export type ModeUpdate =
  | { kind: 'ignored' } // a ground station's or another component's heartbeat
  | { kind: 'baseline'; mode: string }
  | { kind: 'same'; mode: string }
  | { kind: 'change'; from: string; to: string; body: Body };

export class ModeTracker {
  /** Last mode per autopilot, keyed "sysid/compid", so two vehicles on one link never mix. */
  private readonly modes = new Map<string, string>();

  constructor(private readonly autopilot: Autopilot, private readonly vehicle: ArduPilotVehicle, private readonly sourceId: string) {}

  update(hb: Heartbeat, wallNs: bigint): ModeUpdate {
    if (!isAutopilotHeartbeat(hb)) return { kind: 'ignored' };
    const key = `${hb.sysid}/${hb.compid}`;
    const mode = modeName(this.autopilot, this.vehicle, hb.customMode);
    const from = this.modes.get(key);
    this.modes.set(key, mode);
    if (from === undefined) return { kind: 'baseline', mode };
    if (from === mode) return { kind: 'same', mode };
    return { kind: 'change', from, to: mode, body: this.handover(hb, from, mode, wallNs) };
  }

  private handover(hb: Heartbeat, from: string, to: string, wallNs: bigint): Body {
    return {
      handover: {
        handoverId: `${this.sourceId}:mode:${hb.sysid}.${hb.compid}:${wallNs}`,
        fromMode: from,
        toMode: to,
        fromAuthority: modeAuthority(this.autopilot, this.vehicle, from),
        toAuthority: modeAuthority(this.autopilot, this.vehicle, to),
        initiator: modeInitiator(this.autopilot, this.vehicle, to),
        phase: schema.Handover.Phase.ACCEPTED,
        reason: `flight mode ${from} -> ${to} reported by HEARTBEAT from system ${hb.sysid} component ${hb.compid}`,
        acceptedUnixNs: fromBigInt(wallNs),
      },
    };
  }
}
