// Field readers shared by the NMEA sentence parsers: numbers, coordinates (ddmm.mmmm + hemisphere)
// and speeds. Empty fields read as undefined; a field that is there but wrong throws a FieldError.
export class FieldError extends Error {
  constructor(field: string, value: string, expected: string) {
    super(`${field}: expected ${expected}, got "${value}"`);
    this.name = 'FieldError';
  }
}

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** A decimal number, or undefined when the field is empty. */
export function optionalNumber(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DECIMAL.test(value)) throw new FieldError(field, value, 'a decimal number');
  return Number(value);
}

/** A whole number from 0, or undefined when the field is empty. */
export function optionalCount(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new FieldError(field, value, 'a whole number');
  return Number(value);
}

/** Latitude in signed degrees from `ddmm.mmmm` and N/S; undefined when both fields are empty. */
export function latitude(value: string | undefined, hemisphere: string | undefined): number | undefined {
  return coordinate(value, hemisphere, 90, 'N', 'S', 'latitude');
}

/** Longitude in signed degrees from `dddmm.mmmm` and E/W; undefined when both fields are empty. */
export function longitude(value: string | undefined, hemisphere: string | undefined): number | undefined {
  return coordinate(value, hemisphere, 180, 'E', 'W', 'longitude');
}

function coordinate(value = '', hemisphere = '', max: number, plus: string, minus: string, field: string): number | undefined {
  if (value === '' && hemisphere === '') return undefined;
  if (!/^\d{3,5}(\.\d+)?$/.test(value)) throw new FieldError(field, value, max === 90 ? 'ddmm.mmmm' : 'dddmm.mmmm');
  if (hemisphere !== plus && hemisphere !== minus) throw new FieldError(`${field} hemisphere`, hemisphere, `${plus} or ${minus}`);
  const dot = value.indexOf('.');
  const whole = dot < 0 ? value : value.slice(0, dot);
  const degrees = Number(whole.slice(0, -2));
  const minutes = Number(value.slice(whole.length - 2));
  if (minutes >= 60) throw new FieldError(field, value, 'minutes below 60');
  const deg = degrees + minutes / 60;
  if (deg > max) throw new FieldError(field, value, `at most ${max} degrees`);
  return hemisphere === minus ? -deg : deg;
}

export const KNOTS_TO_M_S = 1852 / 3600;
export const KM_H_TO_M_S = 1000 / 3600;
