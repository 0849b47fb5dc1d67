// Writes an MCAP file with JSON channels: the only file that touches @mcap/core. Written to OUT.partial
// and renamed when complete, so a half-written export is never mistaken for a whole one.
import { McapWriter, type IWritable } from '@mcap/core';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import type { JsonSchema } from './json-schemas.js';

class FileWritable implements IWritable {
  private at = 0n;
  constructor(private readonly file: FileHandle) {}
  async write(buffer: Uint8Array): Promise<void> {
    let done = 0;
    while (done < buffer.length) done += (await this.file.write(buffer, done, buffer.length - done)).bytesWritten;
    this.at += BigInt(buffer.length);
  }
  position(): bigint {
    return this.at;
  }
}

const utf8 = new TextEncoder();

export class McapFile {
  private readonly schemas = new Map<string, number>();

  private constructor(readonly path: string, private readonly partial: string, private readonly file: FileHandle, private readonly writer: McapWriter,
    private readonly writable: FileWritable) {}

  static async create(path: string, library: string): Promise<McapFile> {
    const partial = `${path}.partial`;
    const file = await open(partial, 'w');
    const writable = new FileWritable(file);
    const writer = new McapWriter({ writable });
    const mcap = new McapFile(path, partial, file, writer, writable);
    try {
      await writer.start({ profile: '', library });
    } catch (err) {
      await mcap.abort();
      throw err;
    }
    return mcap;
  }

  /** A channel whose messages are JSON described by `schema` (schema encoding jsonschema). */
  async addJsonChannel(topic: string, schemaName: string, schema: JsonSchema, metadata: Record<string, string> = {}): Promise<number> {
    let schemaId = this.schemas.get(schemaName);
    if (schemaId === undefined) {
      schemaId = await this.writer.registerSchema({ name: schemaName, encoding: 'jsonschema', data: utf8.encode(JSON.stringify(schema)) });
      this.schemas.set(schemaName, schemaId);
    }
    return this.writer.registerChannel({ schemaId, topic, messageEncoding: 'json', metadata: new Map(Object.entries(metadata)) });
  }

  async addMessage(channelId: number, sequence: number, logTimeNs: bigint, data: Uint8Array): Promise<void> {
    await this.writer.addMessage({ channelId, sequence: sequence >>> 0, logTime: logTimeNs, publishTime: logTimeNs, data });
  }

  async addMetadata(name: string, metadata: Record<string, string>): Promise<void> {
    await this.writer.addMetadata({ name, metadata: new Map(Object.entries(metadata)) });
  }

  /** Writes the summary and indexes, closes the file and moves it into place; returns its size. */
  async close(): Promise<number> {
    try {
      await this.writer.end();
      await this.file.close();
    } catch (err) {
      await this.abort();
      throw err;
    }
    await rename(this.partial, this.path);
    return Number(this.writable.position());
  }

  /** Drops a partial file after a failure. */
  async abort(): Promise<void> {
    await this.file.close().catch(() => {});
    await rm(this.partial, { force: true });
  }
}
