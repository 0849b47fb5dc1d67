// Hands bodies to ctx.capture one at a time and in order, without ever throwing back into the port's
// data path; counts what was recorded, what the pipeline thinned, and what it refused.
import type { Body } from '../../../proto/index.js';
import type { SourceContext } from '../source.js';

export interface CaptureCounters {
  records: number;
  thinned: number;
  capture_errors: number;
  backlog_dropped: number;
}

export class CaptureQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private failing = false;
  private readonly counts: CaptureCounters = { records: 0, thinned: 0, capture_errors: 0, backlog_dropped: 0 };

  /** Conditions beyond `maxBacklog` waiting captures are dropped (and counted); other bodies never are. */
  constructor(private readonly ctx: SourceContext, private readonly label: string, private readonly maxBacklog = 256) {}

  counters(): CaptureCounters {
    return { ...this.counts };
  }

  record(body: Body): void {
    if ('conditions' in body && this.pending >= this.maxBacklog) {
      this.counts.backlog_dropped++;
      return;
    }
    this.pending++;
    this.tail = this.tail.then(async () => {
      try {
        const appended = await this.ctx.capture(body);
        if (appended) this.counts.records++;
        else this.counts.thinned++;
        this.failing = false;
      } catch (err) {
        this.counts.capture_errors++;
        if (!this.failing) {
          this.ctx.log.error({ err: (err as Error).message }, `${this.label}: a record could not be captured (${(err as Error).message}); later ones are still tried`);
        }
        this.failing = true;
      } finally {
        this.pending--;
      }
    });
  }

  /** Resolves once everything handed to record() has been captured or refused. */
  drain(): Promise<void> {
    return this.tail;
  }
}
