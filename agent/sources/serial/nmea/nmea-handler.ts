// The NMEA 0183 protocol of a serial port: bytes -> lines -> sentences -> latest fix -> at most one
// Conditions record per record_interval_ms, captured through the agent's pipeline.
import type { ProtocolContext, ProtocolHandler } from '../protocol.js';
import { Throttle } from '../throttle.js';
import { GnssFix } from './gnss-fix.js';
import { LineSplitter } from './line-splitter.js';
import { NmeaDecoder } from './nmea-decoder.js';

export function createNmeaHandler({ config, ctx, queue, sourceId }: ProtocolContext): ProtocolHandler {
  const lines = new LineSplitter();
  const decoder = new NmeaDecoder();
  const fix = new GnssFix();
  const throttle = new Throttle(config.record_interval_ms);
  let throttled = 0;

  return {
    push(chunk) {
      // latin1 maps every byte to one character, so noise never turns into multi-byte sequences
      for (const line of lines.push(chunk.toString('latin1'))) {
        const data = decoder.decode(line);
        if (!data || !fix.update(data)) continue;
        if (throttle.take(ctx.clock.nowMs())) queue.record(fix.body(sourceId));
        else throttled++;
      }
    },
    counters: () => ({ ...decoder.counts, throttled }),
  };
}
