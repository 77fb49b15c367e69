import { MAX_TIMER_MS, parseDuration } from '../util/duration.js';
import type { Field } from './fields.js';

/**
 * One option's value, parsed, or every problem with it. Each problem names the option and what it
 * accepts. `value` may be set next to problems (the valid gates of a partly invalid list), so later
 * checks that need it still run.
 */
export interface Parsed {
  value?: unknown;
  problems: string[];
}

export const ok = (value: unknown): Parsed => ({ value, problems: [] });
export const fail = (field: Pick<Field, 'name'>, text: string): Parsed => ({
  problems: [`${field.name}: ${text}`],
});

/** A value as the user wrote it, for messages: texts quoted, objects as JSON. */
export function show(value: unknown): string {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : JSON.stringify(String(value));
}

export function parseText(field: Field, value: unknown): Parsed {
  // YAML reads `image: 5` or `out: 2024` as numbers; they are meant as text.
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || text.trim() === '')
    return fail(field, `expected a non-empty text, got ${show(value)}`);
  if (field.choices && !field.choices.includes(text))
    return fail(field, `${show(text)} is not allowed; use ${field.choices.join(' or ')}`);
  return ok(text);
}

export function parseList(field: Field, value: unknown): Parsed {
  const list = Array.isArray(value) ? value : [value];
  return list.every((v) => typeof v === 'string' || typeof v === 'number')
    ? ok(list.map(String))
    : fail(field, `expected a text or a list of texts, got ${show(value)}`);
}

export function parseInteger(field: Field, value: unknown): Parsed {
  // Negative numbers are parsed too, so that "-1" gets the range in its message, not "not a number".
  const n = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
  const range = field.range ? `${field.range[0]} to ${field.range[1]}` : undefined;
  if (typeof n !== 'number' || !Number.isInteger(n))
    return fail(field, `expected a whole number, got ${show(value)}${range ? `; use ${range}` : ''}`);
  if (field.range && (n < field.range[0] || n > field.range[1]))
    return fail(field, `${n} is out of range; use ${range}`);
  return ok(n);
}

export function parseBool(field: Field, value: unknown): Parsed {
  if (typeof value === 'boolean') return ok(value);
  if (value === 'true' || value === 'false') return ok(value === 'true');
  return fail(field, `expected true or false, got ${show(value)}`);
}

export function parseDurationField(field: Field, value: unknown): Parsed {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  const ms = text ? parseDuration(text) : undefined;
  const tooSmall = field.positive
    ? `must be more than 0; e.g. ${field.positive.example}`
    : 'must not be negative; e.g. 0s or 10s';
  if (ms === undefined) {
    // "-5s" is a duration with a sign, not gibberish: say what is wrong with it.
    if (text.startsWith('-') && parseDuration(text.slice(1)) !== undefined) return fail(field, tooSmall);
    return fail(
      field,
      `${show(value)} is not a duration; use e.g. 1500ms, 30s, 5m, 2h (a bare number is seconds)`,
    );
  }
  // A limit of 0 would fail the run at once, after creating everything; a delay of 0 is no delay.
  if (field.positive && ms <= 0) return fail(field, tooSmall);
  if (ms > MAX_TIMER_MS)
    return fail(field, `${show(value)} is longer than atq can wait (24 days); e.g. 2h or 7d`);
  return ok(ms);
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
};

export function parseSize(input: unknown): number | undefined {
  if (typeof input === 'number') return input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : undefined;
}
