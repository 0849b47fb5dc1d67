// Plans quota eviction: which sealed, non-critical segments to drop, oldest and lowest priority first,
// grouped into contiguous seq ranges (one Gap record each). Pure.

export interface EvictableSegment {
  firstSeq: number;
  lastSeq: number;
  bytes: number;
}

export interface EvictionRange {
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  segments: EvictableSegment[];
}

/**
 * Picks segments from `candidates` (already in eviction order) until `needBytes` are freed,
 * and groups the chosen ones into contiguous seq ranges.
 */
export function planEviction(candidates: Iterable<EvictableSegment>, needBytes: number): { ranges: EvictionRange[]; freed: number } {
  const chosen: EvictableSegment[] = [];
  let freed = 0;
  for (const segment of candidates) {
    if (freed >= needBytes) break;
    chosen.push(segment);
    freed += segment.bytes;
  }
  chosen.sort((a, b) => a.firstSeq - b.firstSeq);
  const ranges: EvictionRange[] = [];
  for (const segment of chosen) {
    const last = ranges[ranges.length - 1];
    if (last && last.lastSeq + 1 === segment.firstSeq) {
      last.lastSeq = segment.lastSeq;
      last.bytes += segment.bytes;
      last.segments.push(segment);
    } else {
      ranges.push({ firstSeq: segment.firstSeq, lastSeq: segment.lastSeq, bytes: segment.bytes, segments: [segment] });
    }
  }
  return { ranges, freed };
}
