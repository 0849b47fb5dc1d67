// The local API's counts, for logs and metrics: connections, messages by type, errors by code, bytes.
// Plain numbers keyed by name; the Source's counters() returns a copy.
import type { ErrorCode, MessageType } from './protocol.js';

export class Counters {
  private readonly counts: Record<string, number> = {
    connections: 0, connections_open: 0, bytes_in: 0, bytes_out: 0, captured: 0, kept_in_window: 0,
    udp_datagrams: 0, udp_errors: 0,
  };

  add(name: string, n = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  message(type: MessageType): void {
    this.add(`messages_${type}`);
  }

  error(code: ErrorCode): void {
    this.add(`errors_${code.toLowerCase()}`);
  }

  snapshot(): Record<string, number> {
    return { ...this.counts };
  }
}
