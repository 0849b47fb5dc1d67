// Keeps one serial port open across unplug and replug: retries every reconnect_ms while the port is
// missing or after it went away, logs once per outage, counts reconnects, never throws on I/O errors.
import type { Logger } from '../../observability.js';
import type { PortFactory, SerialPortLike } from './port.js';

export interface ReconnectingPortOptions {
  /** How log lines name this port, e.g. `sources.serial "gnss0"`. */
  label: string;
  path: string;
  baudRate: number;
  reconnectMs: number;
  factory: PortFactory;
  log: Logger;
  /** Bytes as they arrive; an exception here is counted and logged, never passed to the port. */
  onData(chunk: Buffer): void;
  /**
   * The port (re)opened, before its first bytes: bytes from before an outage cannot continue into the
   * new ones, so a protocol drops any partial frame here. An exception is counted like onData's.
   */
  onOpen?(): void;
}

export interface PortCounters {
  opens: number;
  reconnects: number;
  disconnects: number;
  open_errors: number;
  bytes: number;
  data_errors: number;
}

export class ReconnectingPort {
  private port: SerialPortLike | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Set once an outage has been logged; cleared when the port opens again. */
  private outage = false;
  private dataFailing = false;
  private readonly counts: PortCounters = { opens: 0, reconnects: 0, disconnects: 0, open_errors: 0, bytes: 0, data_errors: 0 };

  constructor(private readonly o: ReconnectingPortOptions) {}

  get connected(): boolean {
    return this.port?.isOpen === true;
  }

  counters(): PortCounters {
    return { ...this.counts };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt();
  }

  /** Closes the port and stops retrying; resolves once the port is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const port = this.port;
    this.port = undefined;
    if (port) await closeQuietly(port);
  }

  private attempt(): void {
    this.timer = undefined;
    if (this.stopped) return;
    let port: SerialPortLike;
    try {
      port = this.o.factory(this.o.path, this.o.baudRate);
      port.on('error', (err) => this.lost(port, err));
      port.on('close', (err) => this.lost(port, err ?? new Error('closed by the system')));
      port.on('data', (chunk) => this.data(port, chunk));
    } catch (err) {
      this.failed(err);
      return;
    }
    this.port = port;
    const opened = (err: Error | null) => {
      if (this.port !== port) {
        // stopped or superseded while opening
        if (!err) void closeQuietly(port);
        return;
      }
      if (err) {
        this.port = undefined;
        void closeQuietly(port);
        this.failed(err);
        return;
      }
      this.counts.opens++;
      if (this.counts.opens > 1) this.counts.reconnects++;
      if (this.counts.reconnects > 0) this.o.log.info({ path: this.o.path }, `${this.o.label}: ${this.o.path} is back; reading again`);
      else this.o.log.info({ path: this.o.path, baud: this.o.baudRate }, `${this.o.label}: opened ${this.o.path}`);
      this.outage = false;
      this.call(() => this.o.onOpen?.());
    };
    try {
      port.open(opened);
    } catch (err) {
      opened(err as Error);
    }
  }

  private failed(err: unknown): void {
    this.counts.open_errors++;
    if (!this.outage) {
      this.outage = true;
      this.o.log.warn(
        { path: this.o.path, err: message(err) },
        `${this.o.label}: cannot open ${this.o.path} (${message(err)}); retrying every ${this.o.reconnectMs} ms: check the cable and the configured path`,
      );
    }
    this.schedule();
  }

  private lost(port: SerialPortLike, err: unknown): void {
    if (this.port !== port) return;
    this.port = undefined;
    void closeQuietly(port);
    this.counts.disconnects++;
    if (!this.outage) {
      this.outage = true;
      this.o.log.warn(
        { path: this.o.path, err: message(err) },
        `${this.o.label}: ${this.o.path} went away (${message(err)}); retrying every ${this.o.reconnectMs} ms until it is back`,
      );
    }
    this.schedule();
  }

  private data(port: SerialPortLike, chunk: Buffer): void {
    if (this.port !== port) return;
    this.counts.bytes += chunk.length;
    this.call(() => this.o.onData(chunk));
  }

  /** Runs a protocol callback; a throw is a decoding bug, counted and logged once per run of failures. */
  private call(fn: () => void): void {
    try {
      fn();
      this.dataFailing = false;
    } catch (err) {
      this.counts.data_errors++;
      if (!this.dataFailing) this.o.log.error({ err: message(err) }, `${this.o.label}: decoding failed; the bytes were skipped (a bug: please report it)`);
      this.dataFailing = true;
    }
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => this.attempt(), this.o.reconnectMs);
    this.timer.unref();
  }
}

/** Closes a port, ignoring every error; afterwards late 'error' events land on a no-op listener. */
function closeQuietly(port: SerialPortLike): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      try {
        port.removeAllListeners();
        port.on('error', () => {});
      } catch {
        // a port that cannot even drop its listeners has nothing left to say
      }
      resolve();
    };
    try {
      if (port.isOpen) port.close(() => done());
      else done();
    } catch {
      done();
    }
  });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
