// Drives a replay: reads the mission in seq order, paces it (speed X, or as fast as possible), feeds each
// record to the timeline and, when re-publishing, to the replay agent. Output goes to the caller's sink.
import type { Mission } from './mission.js';
import { pacer, type PaceClock } from './pace.js';
import type { ReplayPublisher } from './republish.js';
import { TimelineBuilder, type TimelineEvent, type TimelineSummary } from './timeline.js';

export interface RunReplayOptions {
  mission: Mission;
  /** 1 = real time, 10 = ten times faster, 0 = as fast as possible. */
  speed: number;
  /** At most one conditions line per this many seconds of mission time (0 = every change). */
  everyS: number;
  onEvent(event: TimelineEvent): void;
  publisher?: ReplayPublisher;
  clock?: PaceClock;
}

export async function runReplay(o: RunReplayOptions): Promise<TimelineSummary> {
  const timeline = new TimelineBuilder({ everyS: o.everyS });
  const pace = pacer(o.speed, o.clock);
  for (const r of o.mission.records()) {
    await pace.wait(r.timeUnixNs);
    if (o.publisher) await o.publisher.publish(r);
    for (const e of timeline.push(r)) o.onEvent(e);
  }
  const { events, summary } = timeline.finish();
  for (const e of events) o.onEvent(e);
  return summary;
}
