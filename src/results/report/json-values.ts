/**
 * Checks for values read from a summary.json, which may come from an ATQ server or an older atq: the reports
 * show only what is of the shape they rely on.
 */

/** A finite number (not NaN, not ±Infinity, not a string of digits). */
export const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The number, or null where the value is not one. */
export const orNull = (v: unknown): number | null => (num(v) ? v : null);
