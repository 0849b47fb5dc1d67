// A typed Node client for the agent's local API: JSON lines over the Unix socket, one Promise per
// request, correlated by id. Reconnecting is the caller's business (connect again after 'close').
import { createConnection, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { Conditions, Decision, Handover, Marker } from '../../proto/index.js';
import type { ApiReply, CaptureReply, ErrorCode, ErrorReply, EvaluateReply, MessageType, OkReply, PingReply } from '../sources/local-api/index.js';

/** The agent refused a request: `code` says why, `retryable` whether sending it again later can help. */
export class LocalApiError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(readonly reply: ErrorReply) {
    super(`local API: ${reply.error.code}: ${reply.error.message}`);
    this.name = 'LocalApiError';
    this.code = reply.error.code;
    this.retryable = reply.error.retryable;
  }
}

interface Pending {
  id: number;
  type: MessageType;
  resolve(reply: OkReply): void;
  reject(err: Error): void;
}

export interface ConnectOptions {
  /** Give up connecting after this long (default 5000 ms). */
  timeoutMs?: number;
}

export class LocalApiClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new StringDecoder('utf8');
  private buffered = '';
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket, private readonly socketPath: string) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.failAll(new Error(`local API ${socketPath}: ${err.message}`)));
    socket.on('close', () => this.failAll(new Error(`local API ${socketPath}: connection closed`)));
  }

  static connect(socketPath: string, options: ConnectOptions = {}): Promise<LocalApiClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`local API ${socketPath}: no answer within ${options.timeoutMs ?? 5000} ms; is the agent running?`));
      }, options.timeoutMs ?? 5000);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const hint = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? ': is the agent running with sources.local_api enabled?' : '';
        reject(new Error(`local API ${socketPath}: cannot connect (${err.code ?? err.message})${hint}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new LocalApiClient(socket, socketPath));
      });
    });
  }

  conditions(body: Conditions): Promise<CaptureReply> {
    return this.request('conditions', body) as Promise<CaptureReply>;
  }

  /** A go/no-go made by the stack; recorded with trigger EXTERNAL unless the body says otherwise. */
  decision(body: Decision): Promise<CaptureReply> {
    return this.request('decision', body) as Promise<CaptureReply>;
  }

  /** One phase of a handover (REQUESTED, ACCEPTED, REJECTED, TIMED_OUT), linked by handover_id. */
  handover(body: Handover): Promise<CaptureReply> {
    return this.request('handover', body) as Promise<CaptureReply>;
  }

  marker(body: Marker): Promise<CaptureReply> {
    return this.request('marker', body) as Promise<CaptureReply>;
  }

  /** Asks the agent to run its go/no-go criteria now. */
  evaluate(): Promise<EvaluateReply> {
    return this.request('evaluate') as Promise<EvaluateReply>;
  }

  ping(): Promise<PingReply> {
    return this.request('ping') as Promise<PingReply>;
  }

  /** Closes after the replies already on their way; requests still waiting are rejected. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  private request(type: MessageType, body?: object): Promise<OkReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const line = JSON.stringify(body === undefined ? { type, id } : { type, id, body }, wireValue);
    return new Promise<OkReply>((resolve, reject) => {
      this.pending.set(id, { id, type, resolve, reject });
      this.socket.write(`${line}\n`);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered += this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      let reply: ApiReply;
      try {
        reply = JSON.parse(line) as ApiReply;
      } catch {
        this.failAll(new Error(`local API ${this.socketPath}: the agent sent a line that is not JSON: ${line.slice(0, 80)}`));
        this.socket.destroy();
        return;
      }
      this.onReply(reply);
    }
  }

  private onReply(reply: ApiReply): void {
    // Replies come in request order; one the agent could not tie to an id (TOO_LARGE) is the oldest's.
    const pending = typeof reply.id === 'number' ? this.pending.get(reply.id) : this.pending.values().next().value;
    if (!pending) return;
    this.pending.delete(pending.id);
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new LocalApiError(reply));
  }

  private failAll(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(new Error(`${err.message} before the reply to ${p.type} #${p.id}`));
    this.pending.clear();
  }
}

/** A Long, or the {low, high} pair protobufjs also takes for 64-bit fields. */
interface Long64 {
  low: number;
  high: number;
  unsigned?: boolean;
}

/** JSON for the wire: bytes as base64, 64-bit integers (bigint, Long) as decimal strings. */
function wireValue(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  if (typeof raw === 'bigint') return raw.toString();
  if (raw !== null && typeof raw === 'object' && typeof (raw as Long64).high === 'number' && typeof (raw as Long64).low === 'number') {
    const { low, high, unsigned } = raw as Long64;
    const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    return (unsigned === false && high < 0 ? bits - (1n << 64n) : bits).toString();
  }
  return value;
}
