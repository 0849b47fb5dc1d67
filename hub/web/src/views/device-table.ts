// The fleet at a glance: each device's presence, last word, records, the hub's checkpoint (the seq it signed
// for, one click from the records there), unexplained gaps and integrity events.
import type { DeviceReportRow } from '../api-types.js';
import { h, link } from '../dom.js';
import { count, duration, time } from '../format.js';
import { OKABE_ITO } from '../palette.js';
import { recordsHref } from '../routes.js';
import { badge, table } from '../table.js';

export function presence(d: DeviceReportRow, nowMs: number, silentAfterMs: number): HTMLElement {
  if (d.revoked) return badge('revoked', OKABE_ITO.vermillion);
  if (d.online === true) return badge('online', OKABE_ITO.green);
  if (nowMs - d.last_seen_ms > silentAfterMs) return badge(`silent ${duration(nowMs - d.last_seen_ms)}`, OKABE_ITO.orange);
  return d.online === false ? badge('offline', '#8a8a8a') : badge('recent', OKABE_ITO.sky);
}

export function deviceTable(rows: DeviceReportRow[], nowMs: number, silentAfterMs: number): HTMLElement {
  return table('Devices: presence, records stored and the hub\'s last checkpoint', [
    { title: 'device', nowrap: true, cell: (d) => h('span', {}, link(recordsHref(d.device, Math.max(1, d.stored_through - 49), d.stored_through), d.device), d.label ? h('span', { class: 'muted device-label' }, ` ${d.label}`) : null) },
    { title: 'status', cell: (d) => presence(d, nowMs, silentAfterMs) },
    { title: 'last seen', nowrap: true, cell: (d) => time(d.last_seen_ms) },
    { title: 'records', numeric: true, cell: (d) => count(d.records) },
    {
      title: 'checkpoint', numeric: true, hint: 'the seq the hub has stored every record through, and signs for',
      cell: (d) => (d.checkpoint.seq > 0 ? link(recordsHref(d.device, Math.max(1, d.checkpoint.seq - 9), d.checkpoint.seq), `seq ${count(d.checkpoint.seq)}`) : '–'),
    },
    { title: 'checkpoint hash', cell: (d) => h('code', { title: d.checkpoint.hash }, d.checkpoint.hash.slice(0, 12)), hint: 'SHA-256 of the record at the checkpoint' },
    {
      title: 'unexplained gaps', numeric: true,
      cell: (d) => (d.holes.length === 0 ? '0' : h('span', { class: 'bad' }, d.holes.map((x, i) => [i ? ', ' : '', link(recordsHref(d.device, x.first - 1, x.last + 1), `${x.first}–${x.last}`)]))),
    },
    { title: 'integrity', numeric: true, cell: (d) => (d.integrity_events.length ? h('span', { class: 'bad', title: d.integrity_events.map((e) => e.kind).join(', ') }, count(d.integrity_events.length)) : '0') },
    { title: 'rejected', numeric: true, cell: (d) => count(d.rejections) },
  ], rows, { id: 'devices-table' });
}
