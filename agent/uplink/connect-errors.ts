// The uplink's reading of a failed broker connection: one line naming the broker, the cause and the fix.
// The logic lives in config/ because the hub's link needs the same words and agent/ and hub/ never import each other.
export { explainConnectError, isRetryableConnectError, type ConnectErrorLike } from '../../config/mqtt-connect-errors.js';
