// The contract every agent input implements (agent/sources/<name>/): created from its config block
// by a factory, started and stopped by the agent, feeding records through the SourceContext.
import type { Body } from '../../proto/index.js';
import type { Clock } from '../clock.js';
import type { CaptureOptions, DecisionResult } from '../decisions/pipeline.js';
import type { Logger } from '../observability.js';
import type { Appended } from '../outbox/index.js';

export interface SourceContext {
  readonly deviceId: string;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Records a body through the agent's capture path (live signals, boundary windows, outbox).
   * Resolves once committed with its seq, or with undefined when a thinned high-rate sample was
   * kept in the boundary window only.
   */
  capture(body: Body, options?: CaptureOptions): Promise<Appended | undefined>;
  /** Evaluates go/no-go now and records the Decision (undefined when no criteria are configured). */
  evaluate(): Promise<DecisionResult | undefined>;
}

export interface Source {
  readonly name: string;
  start(): Promise<void>;
  /** Stops reading; whatever was handed to capture() is already committed or will be. */
  stop(): Promise<void>;
  /** Counts for logs and metrics: messages read, records captured, errors by kind. */
  counters(): Record<string, number>;
}
