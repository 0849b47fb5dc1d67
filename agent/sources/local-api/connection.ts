// One client on the Unix socket: picks the framing from the first byte (0x00 = length-prefixed protobuf,
// anything else = JSON lines), runs requests as they arrive and writes their replies in arrival order.
import type { Socket } from 'node:net';
import type { Logger } from '../../observability.js';
import { encodeFrame, FrameSplitter, type FrameEvent } from './frames.js';
import { LineSplitter, type LineEvent } from './json-lines.js';
import { ApiError, type ApiReply } from './protocol.js';
import { requestFromFrame, requestFromJson, type Parsed } from './requests.js';

export interface ConnectionOptions {
  maxMessageBytes: number;
  /** Answers one parsed request; never rejects. Called in arrival order, so captures keep that order. */
  respond(parsed: Parsed): Promise<ApiReply>;
  onBytes(direction: 'in' | 'out', bytes: number): void;
  log: Logger;
}

/**
 * Requests in flight (read, reply not yet flushed) at which the connection stops taking more: what it
 * has read beyond that waits as bytes (at most one socket read, 64 KB) and the socket is paused. Bounds
 * one client that writes but never reads, and a pipelining one: 256 keeps the latter at full speed; more
 * in flight only lets requests outlive two young-generation GCs and land in the old generation (RSS).
 */
export const PAUSE_AT = 256;
const RESUME_AT = 64;
const STOP_GRACE_MS = 1000;

export class Connection {
  readonly closed: Promise<void>;
  private lines: LineSplitter | undefined;
  private frames: FrameSplitter | undefined;
  private ordinal = 0;
  private tail: Promise<void> = Promise.resolve();
  private unflushed = 0;
  private paused = false;
  /** Nothing more is read: the peer ended, sent an oversized frame, or the agent is stopping. */
  private closing = false;
  /** Lines or frames (as the framing is) read but not yet submitted, because PAUSE_AT requests were in flight. */
  private backlog: (LineEvent | FrameEvent)[] = [];
  private backlogAt = 0;
  /** The peer ended: once the backlog is submitted, finish. */
  private ended = false;
  /** The reply to a frame the end cut off: sent after every whole one before it. */
  private endReplies: (() => void) | undefined;

  constructor(private readonly socket: Socket, private readonly options: ConnectionOptions) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (err) => options.log.debug({ err: err.message }, 'local API connection error'));
  }

  /** Stops reading, lets every request already read get its reply, then closes. */
  async stop(): Promise<void> {
    this.closing = true;
    this.socket.pause();
    this.pump(Infinity); // read means answered: the backlog too
    this.finishIfDrained(); // and a frame the peer's end cut off
    await this.finish();
    const timer = setTimeout(() => this.socket.destroy(), STOP_GRACE_MS);
    await this.closed;
    clearTimeout(timer);
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.options.onBytes('in', chunk.length);
    if (!this.lines && !this.frames) {
      if (chunk[0] === 0x00) this.frames = new FrameSplitter(this.options.maxMessageBytes);
      else this.lines = new LineSplitter(this.options.maxMessageBytes);
    }
    this.enqueue(this.lines ? this.lines.push(chunk) : this.frames!.push(chunk));
    this.pump(PAUSE_AT);
  }

  private onEnd(): void {
    if (this.closing) return;
    if (this.lines) this.enqueue(this.lines.end());
    const partial = this.frames?.end();
    this.ended = true;
    this.closing = true;
    this.pump(PAUSE_AT);
    if (partial) this.endReplies = () => this.submit({ id: ++this.ordinal, error: new ApiError('INVALID', partial) });
    this.finishIfDrained();
  }

  /** Adds what a splitter returned (a fresh array each time) to the backlog; taken as it is when that is empty. */
  private enqueue(events: (LineEvent | FrameEvent)[]): void {
    if (this.backlogAt === this.backlog.length) {
      this.backlog = events;
      this.backlogAt = 0;
    } else {
      for (const event of events) this.backlog.push(event);
    }
  }

  /** Submits backlog events while fewer than `limit` requests are in flight; pauses the socket if some remain. */
  private pump(limit: number): void {
    while (this.backlogAt < this.backlog.length && this.unflushed < limit) {
      const event = this.backlog[this.backlogAt++];
      if (this.lines) this.onLine(event as LineEvent);
      else this.onFrame(event as FrameEvent);
      if (this.backlog.length === 0) return; // an oversized frame dropped the rest
    }
    if (this.backlogAt === this.backlog.length) {
      this.backlog = [];
      this.backlogAt = 0;
    } else if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** After the peer ended: finish once every line or frame read has been submitted. */
  private finishIfDrained(): void {
    if (!this.ended || this.backlogAt < this.backlog.length) return;
    this.ended = false;
    this.endReplies?.();
    void this.finish();
  }

  private onLine(event: LineEvent): void {
    if ('tooLarge' in event) {
      const max = this.options.maxMessageBytes;
      this.submit({ id: null, error: new ApiError('TOO_LARGE', `line longer than max_message_bytes (${max}): skipped up to its newline; send smaller messages or raise sources.local_api.max_message_bytes`) });
    } else if (event.line.some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d)) {
      this.submit(requestFromJson(event.line));
    }
  }

  private onFrame(event: FrameEvent): void {
    if ('tooLarge' in event) {
      const max = this.options.maxMessageBytes;
      this.submit({ id: ++this.ordinal, error: new ApiError('TOO_LARGE', `frame length ${event.tooLarge} exceeds max_message_bytes (${max}): closing the connection, a length-prefixed stream cannot be resynced; reconnect and send smaller frames`) });
      this.closing = true;
      this.backlog = []; // nothing after it can be read as frames
      this.backlogAt = 0;
      void this.finish();
    } else {
      this.submit(requestFromFrame(event.frame, ++this.ordinal));
    }
  }

  private submit(parsed: Parsed): void {
    const reply = this.options.respond(parsed);
    this.unflushed++;
    this.tail = this.tail.then(() => reply).then((r) => this.write(r));
  }

  private write(reply: ApiReply): void {
    const text = Buffer.from(JSON.stringify(reply), 'utf8');
    const bytes = this.frames ? encodeFrame(text) : Buffer.concat([text, NEWLINE]);
    if (this.socket.destroyed || !this.socket.writable) {
      this.unflushed--;
      return;
    }
    this.options.onBytes('out', bytes.length);
    this.socket.write(bytes, () => {
      this.unflushed--;
      this.throttle();
    });
  }

  /** A reply went out: take more of the backlog, and read again once it is used up and few are in flight. */
  private throttle(): void {
    if (this.unflushed > RESUME_AT) return;
    this.pump(PAUSE_AT);
    if (this.ended) this.finishIfDrained();
    else if (this.paused && this.backlogAt === this.backlog.length && !this.closing) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Closes once every reply queued so far is written (the peer can still read them after the close). */
  private async finish(): Promise<void> {
    await this.tail;
    if (!this.socket.destroyed) this.socket.end(() => this.socket.destroy());
  }
}

const NEWLINE = Buffer.from('\n');
