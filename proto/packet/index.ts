// proto/packet/: the evidence packet format (docs/evidence-format.md) and its offline verifier. Pure and free of
// Node builtins, so a browser can run it over a File; proto/packet-file.ts opens a packet on disk in Node.
export { canonicalBytes, canonicalJson } from './canonical-json.js';
export { frameHeader, framesOf, linesOf, FrameError, FRAME_HEADER_BYTES, type Frame } from './frames.js';
export { keyWindowProblem, parseDeviceKeys, type DeviceKeys, type PacketKey, type PacketRotation } from './key-windows.js';
export * from './layout.js';
export { taxonomyFromJson, taxonomyToJson, type PacketTaxonomy } from './packet-taxonomy.js';
export { blobSource, openPacket, type PacketReader } from './reader.js';
export {
  PacketReportFold, SOURCES, sourceOf, type CellStats, type CellsReport, type DecisionRow, type DeviceRow, type HandoverRow, type RowSink, type Source,
} from './report-fold.js';
export { bytesSource, indexTar, looksLikeTar, type ByteSource, type TarEntry } from './tar-index.js';
export type { CheckpointVerdict, DeviceVerdict, ExtendsVerdict, PacketProblem, PacketProblemCode, PacketVerdict } from './verdict.js';
export { verdictText } from './verdict-text.js';
export { verifyPacket, type VerifyPacketOptions } from './verify-packet.js';
