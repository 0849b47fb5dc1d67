// What the serial source asks of a protocol (NMEA 0183, MAVLink): take bytes as they arrive, record
// through the capture queue, and report counters. One implementation per folder (nmea/, mavlink/).
import type { SerialSourceConfig } from '../../../config/index.js';
import type { SourceContext } from '../source.js';
import type { CaptureQueue } from './capture-queue.js';

export interface ProtocolHandler {
  /** Bytes from the port, in any chunking; never throws on bad input (it is counted instead). */
  push(chunk: Buffer): void;
  /** The port reopened: drop any partial message from before the outage (it can only mis-frame what follows). */
  reset?(): void;
  /** The source stopped: no more bytes, and no timers left that would record anything. */
  close?(): void;
  counters(): Record<string, number>;
}

export interface ProtocolContext {
  readonly config: SerialSourceConfig;
  readonly ctx: SourceContext;
  readonly queue: CaptureQueue;
  /** `serial:<name>`: the Conditions source_id and how log lines name the port. */
  readonly sourceId: string;
}
