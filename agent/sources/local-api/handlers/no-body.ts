// For message kinds that carry nothing (evaluate, ping): an absent or empty body is fine, anything
// else is refused rather than silently ignored.
import { ApiError } from '../protocol.js';

export function noBody(type: string, body: unknown): void {
  if (body === undefined || body === null) return;
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw new ApiError('INVALID', `${type}: takes no body, got ${JSON.stringify(body)}`);
}
