import { parseAutoStop } from './auto-stop-grammar.js';
import { parseCriteria } from './criteria.js';
import type { Field } from './fields.js';
import {
  fail,
  ok,
  parseBool,
  parseDurationField,
  parseInteger,
  parseList,
  parseSize,
  parseText,
  show,
  type Parsed,
} from './parse-value.js';
import { parseCpus, parseMemory } from './resources.js';
import { parseWait } from './wait.js';

export { parseSize };

export function parseField(field: Field, value: unknown): Parsed {
  switch (field.kind) {
    case 'string':
      return parseText(field, value);
    case 'list':
      return parseList(field, value);
    case 'int':
      return parseInteger(field, value);
    case 'bool':
      return parseBool(field, value);
    case 'duration':
      return parseDurationField(field, value);
    case 'size': {
      const bytes = parseSize(value);
      return bytes === undefined
        ? fail(field, `${show(value)} is not a size; use e.g. 500KB, 20MB`)
        : ok(bytes);
    }
    case 'props':
      return parseProps(field, value);
    case 'criteria':
      return parseCriteria(value);
    case 'auto-stop': {
      const { criteria, problems } = parseAutoStop(value);
      return problems.length ? { problems } : ok(criteria);
    }
    case 'wait':
      return parseWait(field, value);
    case 'cpus':
      return parseCpus(field, value);
    case 'memory':
      return parseMemory(field, value);
  }
}

/** `prop` is a mapping in atq.yml, or KEY=VALUE texts (flags, or a list in atq.yml). Every bad entry is reported. */
function parseProps(field: Field, value: unknown): Parsed {
  const problems: string[] = [];
  const props: Record<string, string> = {};
  const badNames: string[] = [];
  for (const [key, v] of propEntries(field, value, problems)) {
    if (!/^[\w.-]+$/.test(key)) badNames.push(show(key));
    else if (v !== null && typeof v === 'object')
      problems.push(
        `${field.name}: ${show(key)} has ${field.secretValues ? 'a list or mapping' : show(v)} as its value; ` +
          'use a text or a number',
      );
    else props[key] = v === null || v === undefined ? '' : String(v);
  }
  if (badNames.length)
    problems.push(
      `${field.name}: property names may use letters, digits, _ . - only: ${badNames.join(', ')}`,
    );
  return problems.length ? { problems } : ok(props);
}

function propEntries(field: Field, value: unknown, problems: string[]): [string, unknown][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value);
  const entries: [string, unknown][] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const eq = typeof item === 'string' ? item.indexOf('=') : -1;
    if (eq > 0) entries.push([(item as string).slice(0, eq), (item as string).slice(eq + 1)]);
    else
      problems.push(
        `${field.name}: ${field.secretValues ? 'an entry (not shown: it may be a secret)' : show(item)} ` +
          'is not KEY=VALUE (e.g. users=10)',
      );
  }
  return entries;
}
