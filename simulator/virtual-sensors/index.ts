// simulator/virtual-sensors: drive a running agent over its real inputs. NMEA 0183 and MAVLink v2 into
// pseudo-terminals (socat) its serial sources read; mavlink.js loads node-mavlink only when needed.
export { nmeaBurst, gga, gsa, rmc, sentence, nmeaCoordinate, ggaQuality } from './nmea.js';
export { openPtyLink, type PtyLink } from './pty-link.js';
export { openSerialTarget, type SerialTargetOptions } from './serial-target.js';
