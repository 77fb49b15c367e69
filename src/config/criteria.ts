import { criteriaProblems, parseGates, type Gate } from '../config/gate-grammar.js';
import { show, type Parsed } from './parse-value.js';

/** `criteria`: gate texts or {label, metric, op, value} objects; the valid gates come back next to the problems. */
export function parseCriteria(value: unknown): Parsed {
  const inputs: (string | Record<string, unknown>)[] = [];
  const shapeProblems: string[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item === 'string' || (item !== null && typeof item === 'object' && !Array.isArray(item)))
      inputs.push(item as string | Record<string, unknown>);
    else shapeProblems.push(`${show(item)}: expected a gate expression (text) or {label, metric, op, value}`);
  }
  const { gates, problems } = parseGates(inputs);
  return { value: gates, problems: criteriaProblems([...shapeProblems, ...problems]) };
}

/**
 * A baseline gate without a baseline could only fail, and only after the whole test ran: refuse it up
 * front (atq run and atq report).
 */
export function baselineProblems(gates: Gate[]): string[] {
  return gates
    .filter((g) => g.baseline)
    .map(
      (g) =>
        `criteria: ${JSON.stringify(g.expression)} compares with a baseline; ` +
        'pass --baseline <summary.json of an earlier run>, or --baseline-missing skip, or drop the gate',
    );
}
