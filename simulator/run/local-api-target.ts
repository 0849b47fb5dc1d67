// Drives a running agent through its local API socket: conditions as the autonomy stack would send
// them, go/no-go on demand, and the operator's handovers. The agent stamps records with its own clock.
import { LocalApiClient } from '../../agent/local-api-client/index.js';
import type { Conditions } from '../../proto/index.js';
import { operatorBodies } from './handover-bodies.js';
import { takeoverId, type SimTarget } from './target.js';

export interface LocalApiTargetOptions {
  socket: string;
  /** Groups another target sends (vibration and GNSS go over serial when both are driven). */
  omit?: ('vibration' | 'gnss')[];
  now?: () => number;
}

export async function openLocalApiTarget(o: LocalApiTargetOptions): Promise<SimTarget> {
  const api = await LocalApiClient.connect(o.socket);
  const now = o.now ?? (() => Date.now());
  const ns = () => BigInt(now()) * 1_000_000n;
  const requested = new Map<string, bigint>();
  let takeovers = 0;
  return {
    label: `local API ${o.socket}`,
    async conditions(sample) {
      const body = { ...(sample.body as { conditions: Conditions }).conditions };
      for (const group of o.omit ?? []) delete body[group];
      await api.conditions(body);
    },
    async evaluate() {
      const reply = await api.evaluate();
      // The id the agent gives its n-th takeover request; exact when this agent raised none before the run.
      const takeover = reply.handover_seq !== undefined ? { id: takeoverId(reply.seq, ++takeovers), decisionSeq: reply.seq, seq: reply.handover_seq } : undefined;
      if (takeover) requested.set(takeover.id, ns());
      return { seq: reply.seq, verdict: reply.verdict, failing: reply.failing, takeover };
    },
    async operator(action) {
      const at = ns();
      const asked = action.kind === 'accept' ? requested.get(action.handoverId) ?? at : at;
      for (const body of operatorBodies(action, asked, at)) await api.handover((body as { handover: object }).handover);
    },
    async marker(kind, text, tags) {
      await api.marker({ kind, text, severity: 1, tags });
    },
    close: () => api.close(),
  };
}
