// VIBRATION -> Conditions.vibration: RMS levels per axis, and clipping as the events since the last
// recorded message (the autopilot's counters are cumulative since boot). Pure.
import type { Body } from '../../../../proto/index.js';
import type { Vibration } from './messages.js';

export class VibrationTracker {
  /** Cumulative clipping counts at the last recorded message. */
  private last: [number, number, number] | undefined;

  /**
   * The Conditions body for this message. The first message only sets the clipping baseline (0 events);
   * a counter that went down means the autopilot restarted, and then its value is the count since.
   */
  body(v: Vibration, sourceId: string): Body {
    const now: [number, number, number] = [v.clipping0, v.clipping1, v.clipping2];
    const last = this.last ?? now;
    const delta = now.map((n, i) => (n >= last[i] ? n - last[i] : n));
    this.last = now;
    return {
      conditions: {
        sourceId,
        vibration: { rmsX: v.vibrationX, rmsY: v.vibrationY, rmsZ: v.vibrationZ, clipX: delta[0], clipY: delta[1], clipZ: delta[2] },
      },
    };
  }
}
