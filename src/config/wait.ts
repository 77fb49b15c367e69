import { parseDuration } from '../util/duration.js';
import type { Field } from './fields.js';
import { DEFAULTS, type WaitCommand } from './options.js';
import { fail, ok, parseDurationField, parseText, type Parsed } from './parse-value.js';

/** wait-command as parsed: the flag's text, or atq.yml's object, which may carry its own limit and image. */
export interface WaitInput {
  command: string;
  expectedResult?: string;
  timeoutMs?: number;
  image?: string;
}

/** The keys of atq.yml's wait-command object, checked like the options of the same meaning. */
const OBJECT_FIELDS: Record<string, Field> = {
  command: { name: 'wait-command.command', kind: 'string', help: 'shell command' },
  'expected-result': { name: 'wait-command.expected-result', kind: 'string', help: 'expected output' },
  timeout: {
    name: 'wait-command.timeout',
    kind: 'duration',
    positive: { example: '1m' },
    help: 'limit for the wait command',
  },
  image: { name: 'wait-command.image', kind: 'string', help: 'image for the wait command' },
};

export function parseWait(field: Field, value: unknown): Parsed {
  if (typeof value === 'string' && value.trim()) return ok({ command: value } satisfies WaitInput);
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return parseWaitObject(value as Record<string, unknown>);
  return fail(field, 'expected a shell command, or in atq.yml {command, expected-result, timeout, image}');
}

function parseWaitObject(w: Record<string, unknown>): Parsed {
  const allowed = Object.keys(OBJECT_FIELDS);
  const problems = Object.keys(w)
    .filter((k) => !allowed.includes(k))
    .map((k) => `wait-command.${k}: unknown; allowed: ${allowed.join(', ')}`);
  if (typeof w.command !== 'string' || !w.command.trim())
    problems.push('wait-command.command: required, a shell command');
  const parsed: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(OBJECT_FIELDS)) {
    if (w[key] === undefined || key === 'command') continue;
    const p = field.kind === 'duration' ? parseDurationField(field, w[key]) : parseText(field, w[key]);
    problems.push(...p.problems);
    parsed[key] = p.value;
  }
  if (problems.length) return { problems };
  return ok({
    command: w.command as string,
    expectedResult: parsed['expected-result'] as string | undefined,
    timeoutMs: parsed.timeout as number | undefined,
    image: parsed.image as string | undefined,
  } satisfies WaitInput);
}

/** The wait command, with the flat options (wait-expected, wait-timeout, wait-image) over the object's keys. */
export function waitCommandFrom(values: ReadonlyMap<string, unknown>): WaitCommand | undefined {
  const input = values.get('wait-command') as WaitInput | undefined;
  if (!input) return undefined;
  const defaultTimeout = parseDuration(DEFAULTS.waitTimeout) as number;
  return {
    command: input.command,
    expectedResult: (values.get('wait-expected') as string | undefined) ?? input.expectedResult,
    timeoutMs: (values.get('wait-timeout') as number | undefined) ?? input.timeoutMs ?? defaultTimeout,
    image: (values.get('wait-image') as string | undefined) ?? input.image,
  };
}

/** The wait command's details mean nothing alone; ignoring them would hide a typo or a forgotten line. */
export function waitDetailProblems(given: (name: string) => boolean): string[] {
  if (given('wait-command')) return [];
  return ['wait-expected', 'wait-timeout', 'wait-image']
    .filter(given)
    .map((name) => `${name} applies only with wait-command; add --wait-command or remove it`);
}
