// agent/sources/serial/mavlink: MAVLink from an autopilot (HEARTBEAT, VIBRATION, SYS_STATUS,
// GPS_RAW_INT). Importing this folder loads node-mavlink; the serial source does so only on demand.
export { createMavlinkHandler } from './mavlink-handler.js';
export { crc16, FrameScanner, type CrcExtraOf, type MavlinkFrame, type ScanCounters } from './frame-scanner.js';
export { createMavlinkReader, sensorName, type MavlinkCounters, type MavlinkReader } from './mavlink-reader.js';
export * from './messages.js';
export { ModeTracker, type ModeUpdate } from './mode-tracker.js';
export { modeAuthority, modeInitiator, type Authority, type Initiator } from './mode-authority.js';
export { ARDUPILOT_MODES, ardupilotModeName, modeName, px4CustomMode, px4ModeName, type ArduPilotVehicle, type Autopilot } from './mode-names.js';
export { VibrationTracker } from './vibration.js';
export { SensorHealthTracker, sensorsOf, type SensorHealth } from './sys-status.js';
export { fixFromGpsFixType, gnssFromGpsRaw, gpsRawBody } from './gps-raw.js';
